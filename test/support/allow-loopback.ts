/**
 * Every suite talks to servers of its own on 127.0.0.1 (the Vault double, redis-server, tiny
 * HTTP servers), which the provider's network guard refuses by default, as Activepieces' server
 * does. The tests allow loopback here, explicitly and in one place, the way an operator would:
 * through AP_SSRF_ALLOW_LIST. Suites that test the guard pass their own `environment`.
 */
process.env.AP_SSRF_ALLOW_LIST = '127.0.0.1/32,::1/128';
