/**
 * Every suite talks to servers of its own on 127.0.0.1 (the Vault double, redis-server, tiny
 * HTTP servers), which the provider's network guard refuses by default, as Activepieces' server
 * does. The tests allow loopback here, explicitly and in one place, the way an operator would:
 * through AP_SSRF_ALLOW_LIST (added to what is set already, e.g. a real Vault's private address
 * for the contract run). Suites that test the guard pass their own `environment`.
 */
const LOOPBACK = '127.0.0.1/32,::1/128';
const given = process.env.AP_SSRF_ALLOW_LIST?.trim();
process.env.AP_SSRF_ALLOW_LIST = given ? `${given},${LOOPBACK}` : LOOPBACK;
