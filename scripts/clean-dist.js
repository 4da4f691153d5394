#!/usr/bin/env node
// Empties dist/ before a build, so a file deleted from src/ never ships from an old build.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

fs.rmSync(path.join(__dirname, '..', 'dist'), { recursive: true, force: true });
