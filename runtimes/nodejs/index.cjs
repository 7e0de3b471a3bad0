// Nimbus Node.js runtime: a Lambda Runtime API (2018-06-01) client.
//
// Started as `node index.cjs` (or via ./bootstrap) with cwd = LAMBDA_TASK_ROOT.
// Node 20+, built-in modules only. CommonJS, not an ES module: an .mjs entry makes Node start its ES module loader
// before anything else (an empty .mjs starts 4 ms later than an empty .cjs here); an ES-module handler is loaded
// with require() where Node allows it (importFile).

'use strict';

const {
  HANDLER_HIGHWATERMARK, HANDLER_STREAMING, HttpResponseStream, STREAM_RESPONSE, createResponseStream, finished,
  loadStreaming, streamifyResponse,
} = require('./streaming.cjs');

// Built-in modules through require(): an ES import of a built-in reads every export of it, and node:http's exports
// include lazy getters (WebSocket, fetch's undici ...) whose loading cost ~35 ms of CPU per cold start on Node 22.
// node:http itself is loaded only by functions that stream (streaming.cjs).
const net = require('node:net');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const Module = require('node:module');
const { pathToFileURL } = require('node:url');
const API_PREFIX = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';

// ---------------------------------------------------------------------------
// NODE_PATH: layers' node_modules must be resolvable from CommonJS code.
// ---------------------------------------------------------------------------
function setupNodePath() {
  const wanted = [
    `/opt/nodejs/node${process.versions.node.split('.')[0]}/node_modules`,
    '/opt/nodejs/node_modules',
    path.join(__dirname, 'node_modules'),
    process.env.LAMBDA_TASK_ROOT || process.cwd(),
  ];
  const current = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  const missing = wanted.filter((p) => !current.includes(p));
  if (missing.length > 0) {
    process.env.NODE_PATH = [...current, ...missing].join(path.delimiter);
    // Module._initPaths re-reads NODE_PATH for require() resolution.
    if (typeof Module._initPaths === 'function') Module._initPaths();
  }
}

// A stem cell (started ahead of need, unspecialized) sets NODE_PATH once it knows its function.
const STEM_FD = process.env._NIMBUS_STEM_FD;
if (STEM_FD === undefined) setupNodePath();

// ---------------------------------------------------------------------------
// Error classes with AWS's Runtime.* names
// ---------------------------------------------------------------------------
function runtimeError(name) {
  const cls = class extends Error {};
  Object.defineProperty(cls, 'name', { value: name });
  cls.prototype.name = `Runtime.${name}`;
  return cls;
}
const ImportModuleError = runtimeError('ImportModuleError');
const HandlerNotFound = runtimeError('HandlerNotFound');
const MalformedHandlerName = runtimeError('MalformedHandlerName');
const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
const NodeJsExit = runtimeError('NodeJsExit');
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
UnhandledPromiseRejection.prototype.name = 'Runtime.UnhandledPromiseRejection';
const NODE_EXIT_MESSAGE =
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly ' +
  'caused by a Promise that was never settled. For more information, see ' +
  'https://nodejs.org/docs/latest/api/process.html#exit-codes';

function looksLikeError(e) {
  return e && typeof e.name === 'string' && typeof e.message === 'string' &&
    typeof e.stack === 'string' && e.name && e.message && e.stack;
}

// The body the Runtime API receives for an error.
function errorPayload(err) {
  try {
    if (util.types.isNativeError(err) || looksLikeError(err)) {
      const clean = (s) => (typeof s === 'string' ? s.replaceAll('\x7F', '%7F') : s);
      return {
        errorType: clean(err.name),
        errorMessage: clean(err.message),
        trace: clean(String(err.stack)).split('\n'),
      };
    }
    return { errorType: typeof err, errorMessage: String(err), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while ' +
        'retrieving one or more of its message, name, and stack',
    };
  }
}

function toError(e) {
  return e instanceof Error ? e : new Error(e);
}

// "\t" + JSON of the error with its enumerable properties (text log format).
function formatErrorForLog(err) {
  const replacer = (_k, v) => {
    if (v instanceof Error) {
      const out = Object.assign({ errorType: v.name, errorMessage: v.message, code: v.code }, v);
      if (typeof v.stack === 'string') out.stack = v.stack.split('\n');
      return out;
    }
    return v;
  };
  try {
    return '\t' + JSON.stringify(err, replacer);
  } catch (_) {
    return '\t' + JSON.stringify(errorPayload(err));
  }
}

// ---------------------------------------------------------------------------
// Console
// ---------------------------------------------------------------------------
let currentRequestId; // undefined until the first invocation, as on AWS
let currentTenantId;
let LOG_JSON = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };

function jsonLogLine(level, time, params) {
  const rec = { timestamp: time, level, requestId: currentRequestId };
  if (currentTenantId != null) rec.tenantId = currentTenantId;
  if (params.length === 1) {
    rec.message = params[0];
    try {
      return JSON.stringify(rec, (_k, v) => {
        if (v instanceof Error) {
          return Object.assign({
            errorType: v?.constructor?.name ?? 'UnknownError',
            errorMessage: v.message,
            stackTrace: typeof v.stack === 'string' ? v.stack.split('\n') : v.stack,
          }, v);
        }
        return v;
      });
    } catch (_) {
      rec.message = util.format(rec.message);
      return JSON.stringify(rec);
    }
  }
  rec.message = util.format(...params);
  const err = params.find((p) => p instanceof Error);
  if (err) {
    rec.errorType = err?.constructor?.name ?? 'UnknownError';
    rec.errorMessage = err.message;
    rec.stackTrace = typeof err.stack === 'string' ? err.stack.split('\n') : [];
  }
  return JSON.stringify(rec);
}

function writeLog(level, params) {
  const time = new Date().toISOString();
  let line = LOG_JSON
    ? jsonLogLine(level, time, params)
    : `${time}\t${currentRequestId}\t${level}\t${util.format(...params)}`;
  line = line.replace(/\n/g, '\r');
  process.stdout.write(line + '\n');
}

function patchConsole() {
  const min = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] ?? LEVELS.TRACE;
  const make = (level) => (LEVELS[level] >= min ? (...p) => writeLog(level, p) : () => {});
  console.trace = make('TRACE');
  console.debug = make('DEBUG');
  console.info = make('INFO');
  console.log = console.info;
  console.warn = make('WARN');
  console.error = make('ERROR');
  console.fatal = (...p) => writeLog('FATAL', p);
}

function logError(label, err) {
  if (LOG_JSON) console.error(toError(err));
  else console.error(label, formatErrorForLog(toError(err)));
}

// ---------------------------------------------------------------------------
// Runtime API client
// ---------------------------------------------------------------------------

// A whole HTTP/1.1 response at the start of `buffer`: { status, headers (lower-case names, the first of each wins), body,
// close, consumed (its bytes: a pipelined answer may follow) };
// while incomplete null, or { need } when the bytes it takes are known; an Error when it cannot be one. Bodies by Content-Length or chunked (trailers ignored).
function parseResponse(buffer) {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return buffer.length > 65536 ? new Error('the Runtime API answered with an oversized head') : null;
  const lines = buffer.toString('latin1', 0, end).split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
  if (!m) return new Error(`bad status line ${JSON.stringify(lines[0].slice(0, 100))}`);
  const status = Number(m[2]);
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) continue;
    const name = lines[i].slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = lines[i].slice(colon + 1).trim();
  }
  const connection = (headers.connection || '').toLowerCase();
  const close = m[1] === '0' ? !connection.includes('keep-alive') : connection.includes('close');
  let at = end + 4;
  if (status >= 100 && status < 200) {
    // An interim answer (100 Continue): the real one follows.
    const rest = parseResponse(buffer.subarray(at));
    if (rest && rest.need !== undefined) return { need: at + rest.need };
    if (rest && !(rest instanceof Error)) rest.consumed += at;
    return rest;
  }
  if ((headers['transfer-encoding'] || '').toLowerCase().includes('chunked')) {
    const parts = [];
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at);
      if (lineEnd < 0) return null;
      const size = parseInt(buffer.toString('latin1', at, lineEnd).split(';')[0], 16);
      if (Number.isNaN(size) || size < 0) return new Error('bad chunk size line');
      at = lineEnd + 2;
      if (size === 0) {
        const trailersEnd = buffer.indexOf('\r\n\r\n', at - 2);
        if (trailersEnd < 0) return null;
        return { status, headers, body: Buffer.concat(parts), close, consumed: trailersEnd + 4 };
      }
      if (buffer.length < at + size + 2) return null;
      parts.push(buffer.subarray(at, at + size));
      at += size + 2;
    }
  }
  const length = headers['content-length'] === undefined ? 0 : Number(headers['content-length']);
  if (!Number.isInteger(length) || length < 0) return new Error('bad Content-Length');
  if (buffer.length < at + length) return { need: at + length };
  return { status, headers, body: buffer.subarray(at, at + length), close, consumed: at + length };
}

class RuntimeClient {
  constructor(address) {
    const i = address.lastIndexOf(':');
    this.host = i > 0 ? address.slice(0, i).replace(/^\[|\]$/g, '') : address;
    this.port = i > 0 ? parseInt(address.slice(i + 1), 10) : 80;
    this.address = address;
    this.hostHeader = `Host: ${i > 0 ? address : `${address}:80`}\r\n`;
    // Streamed responses (streaming.cjs) go through node's http client on a connection of their own.
    this.streamingAgent = null;
    this.socket = null;
    this.waiting = []; // requests written and not answered yet, in order: { resolve, reject }
    this.nextAnswer = null; // the answer to a /next written with the last result (see post), for next()
    this.chunks = [];
    this.size = 0;
    this.need = 0; // bytes the response takes, once its head told (a 6 MB event is joined once, not per chunk)
    this.queue = Promise.resolve();
  }

  // One request at a time on one kept-alive connection, written with one write and read by a small HTTP/1.1 response
  // parser: node's http client cost ~70 us of CPU per request here, two per invocation (runtime.py does the same).
  request(method, urlPath, body, headers, thenNext) {
    const run = () => this.send(method, urlPath, body, headers, thenNext).catch((err) => {
      // The server dropped a kept-alive connection: once more on a new one, as an agent would.
      if (err && err.retry) return this.send(method, urlPath, body, headers, thenNext);
      throw err;
    });
    const result = this.queue.then(run, run);
    this.queue = result.then(() => {}, () => {});
    return result;
  }

  // thenNext: `GET /next` goes in the same write (HTTP pipelining; Nimbus answers in order and sends the result's 202
  // with the next event, so the runtime wakes once per invocation); next() then takes its answer (nextAnswer).
  send(method, urlPath, body, headers, thenNext) {
    return new Promise((resolve, reject) => {
      const socket = this.connect();
      const fresh = socket.connecting;
      let head = `${method} ${API_PREFIX}${urlPath} HTTP/1.1\r\n${this.hostHeader}`;
      if (headers) {
        for (const name of Object.keys(headers)) head += `${name}: ${headers[name]}\r\n`;
      }
      head += `Content-Length: ${body === undefined ? 0 : Buffer.byteLength(body)}\r\n\r\n`;
      let data = body === undefined ? head : head + body;
      // With a /next, a connection lost once this was written is not a stale one (the 202 may come only with the
      // next event): the result is not sent again (post) and next() asks on a new connection.
      let written = false;
      this.waiting.push({
        resolve,
        reject: (err) => {
          if (thenNext && written) err.written = true;
          else if (!fresh && !this.answered) err.retry = true;
          reject(err);
        },
      });
      if (thenNext) {
        data += `GET ${API_PREFIX}/invocation/next HTTP/1.1\r\n${this.hostHeader}Content-Length: 0\r\n\r\n`;
        this.nextAnswer = new Promise((res, rej) => this.waiting.push({ resolve: res, reject: rej }));
        this.nextAnswer.catch(() => {}); // next() asks again when it failed
      }
      this.answered = false;
      socket.ref(); // an idle connection never keeps the event loop alive (callbackWaitsForEmptyEventLoop)
      socket.write(data, (err) => { if (!err) written = true; });
    });
  }

  connect() {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = net.connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    let failed = false;
    const fail = (err) => {
      // 'error' is followed by 'close', and a socket closed after its answer ('Connection: close') may report it when
      // the next request already runs on a new one: only the current socket's first failure ends the request.
      if (failed || this.socket !== socket) return;
      failed = true;
      this.socket = null;
      const waiting = this.waiting;
      this.waiting = [];
      this.chunks = [];
      this.size = 0;
      this.need = 0;
      for (const w of waiting) w.reject(err || new Error('the Runtime API closed the connection'));
    };
    socket.on('error', fail);
    socket.on('close', () => fail(null));
    this.socket = socket;
    return socket;
  }

  onData(chunk) {
    this.answered = true;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size < this.need || this.waiting.length === 0) return;
    let buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.chunks = [buffer];
    this.need = 0;
    // One read may hold several answers (a result's 202 and the next event): each goes to its request, in order.
    while (this.waiting.length > 0 && buffer.length > 0) {
      const response = parseResponse(buffer);
      if (response === null) break;
      if (response.need !== undefined) {
        this.need = response.need;
        break;
      }
      if (response instanceof Error || response.close) {
        // The connection ends here: what was asked after this answer fails now (next() asks again on a new one),
        // before a request on the next connection could take its place in `waiting`.
        const socket = this.socket;
        const [waiter, ...rest] = this.waiting;
        this.socket = null;
        this.waiting = [];
        this.chunks = [];
        this.size = 0;
        socket.destroy();
        if (response instanceof Error) waiter.reject(response);
        else waiter.resolve(response);
        for (const w of rest) w.reject(new Error('the Runtime API closed the connection'));
        return;
      }
      buffer = buffer.subarray(response.consumed);
      this.chunks = buffer.length > 0 ? [buffer] : [];
      this.size = buffer.length;
      this.waiting.shift().resolve(response);
    }
    if (this.waiting.length === 0 && this.socket) this.socket.unref();
  }

  async next() {
    const pipelined = this.nextAnswer;
    this.nextAnswer = null;
    const res = (pipelined && await pipelined.catch(() => null)) || await this.request('GET', '/invocation/next');
    if (res.status !== 200) {
      throw new Error(`GET /next answered ${res.status}: ${res.body.toString('utf8', 0, 500)}`);
    }
    return res;
  }

  async post(urlPath, body, headers, thenNext) {
    let res;
    try {
      res = await this.request('POST', urlPath, body,
        Object.assign({ 'Content-Type': 'application/json' }, headers), thenNext);
    } catch (err) {
      if (err && err.written) return null; // lost while waiting for the next event (see send)
      throw err;
    }
    if (res.status >= 500) {
      throw new Error(`POST ${urlPath} answered ${res.status}: ${res.body.toString('utf8', 0, 500)}`);
    }
    if (res.status !== 202) {
      process.stderr.write(`nimbus-runtime: POST ${urlPath} answered ${res.status}: ${res.body.toString('utf8', 0, 500)}\n`);
    }
    return res.status;
  }

  postResponse(id, bodyString) {
    return this.post(`/invocation/${encodeURIComponent(id)}/response`, bodyString, undefined, true);
  }

  // thenNext: false when the process ends after it (the 202 of a result sent with a /next comes with the next event).
  postError(id, err, thenNext = true) {
    const payload = errorPayload(err);
    return this.post(`/invocation/${encodeURIComponent(id)}/error`, JSON.stringify(payload),
      { [ERROR_TYPE_HEADER]: headerSafe(payload.errorType) }, thenNext);
  }

  postInitError(err) {
    const payload = errorPayload(err);
    return this.post('/init/error', JSON.stringify(payload),
      { [ERROR_TYPE_HEADER]: headerSafe(payload.errorType) });
  }
}

function headerSafe(v) {
  const s = String(v ?? 'Runtime.Unknown').replace(/[^\x20-\x7E]/g, '');
  return s || 'Runtime.Unknown';
}

// ---------------------------------------------------------------------------
// Loading the handler
// ---------------------------------------------------------------------------
function hasTypeModule(dir) {
  for (;;) {
    if (dir.endsWith('/node_modules')) return false;
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(pj, 'utf8'));
        if (pkg) return pkg.type === 'module';
      } catch (e) {
        console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

// An ES-module handler. This client is CommonJS, so that Node never starts its asynchronous ES module loader for it
// (~4 ms of every cold start here), and where Node can require() an ES module the handler is loaded so too. It is
// imported instead, as on a Node without require(esm):
// - when its module graph has top-level await (ERR_REQUIRE_ASYNC_MODULE, raised before anything of it runs);
// - when loader hooks may be registered (NODE_OPTIONS or node's arguments with --import, --require/-r, --loader,
//   --experimental-loader: module.register() hooks apply to import() only, and a module they provide cannot be
//   required), as instrumentation layers and TypeScript loaders do;
// - when the module exports a value under the name 'module.exports' (require() then returns that value, import() the
//   module's namespace, in which the handler is looked up);
// - on a Node that would print an ExperimentalWarning into the function's log (20 before 20.19, 22 before 22.13,
//   23 before 23.5).
async function importFile(file) {
  if (requireEsmAllowed()) {
    try {
      const mod = require(file);
      if (util.types.isModuleNamespaceObject(mod)) return mod;
    } catch (e) {
      if (!e || e.code !== 'ERR_REQUIRE_ASYNC_MODULE') throw e;
    }
  }
  return import(pathToFileURL(file).href);
}

const LOADER_FLAG = /^(--import|--require|-r|--loader|--experimental-loader)(=|$)/;

function requireEsmAllowed() {
  if (!process.features.require_module) return false;
  const [major, minor] = process.versions.node.split('.').map(Number);
  const quiet = major >= 24 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13)
    || (major === 20 && minor >= 19);
  if (!quiet) return false;
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS || '').split(/\s+/)];
  return !flags.some((flag) => LOADER_FLAG.test(flag));
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  if (fs.existsSync(base) && fs.statSync(base).isFile()) return require(base);
  const js = base + '.js';
  const jsExists = fs.existsSync(js);
  const esm = jsExists && hasTypeModule(path.dirname(js));
  if (jsExists && !esm) return require(js);
  if (esm) return importFile(js);
  if (fs.existsSync(base + '.mjs')) return importFile(base + '.mjs');
  if (fs.existsSync(base + '.cjs')) return require(base + '.cjs');
  // Last resort: Node's own resolution (directories with index.js, node_modules, NODE_PATH).
  return require(require.resolve(moduleName, { paths: [appRoot, path.resolve(appRoot, moduleRoot)] }));
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const baseName = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(baseName));
  const m = /^([^.]*)\.(.*)$/.exec(baseName);
  if (!m) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, exportPath] = m;

  globalThis.awslambda = globalThis.awslambda || { streamifyResponse, HttpResponseStream };

  let mod;
  try {
    mod = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    if (e && e.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(e);
    throw e;
  }
  const fn = exportPath.split('.').reduce((o, k) => o && o[k], mod);
  if (!fn) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);
  return fn;
}

// ---------------------------------------------------------------------------
// Invocation loop
// ---------------------------------------------------------------------------
let beforeExitAction = () => {};
process.on('beforeExit', () => beforeExitAction());

function parseHeaderJson(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

function serialize(result) {
  try {
    return JSON.stringify(result === undefined ? null : result);
  } catch (_) {
    throw new Error('Unable to stringify response body');
  }
}

class Runtime {
  constructor(client, handler) {
    this.client = client;
    this.handler = handler;
    this.isAsync = handler.constructor && handler.constructor.name === 'AsyncFunction';
    this.onUncaught = (err) => this.fatalInit(err, 129);
    this.onRejection = (err) => this.fatalInit(err, 128);
  }

  fatalInit(err, code) {
    this.client.postInitError(err).catch(() => {}).finally(() => process.exit(code));
  }

  schedule() {
    setImmediate(() => this.start());
  }

  // The loop's first turn runs at once (the end of init); later ones are scheduled, after the event loop's turn.
  start() {
    this.once().catch((err) => {
      process.stderr.write(`nimbus-runtime: ${err && err.stack ? err.stack : err}\n`);
      process.exit(1);
    });
  }

  async once() {
    const res = await this.client.next();
    const h = res.headers; // lower-cased by node
    const id = h['lambda-runtime-aws-request-id'];
    if (!id) throw new Error('invocation id is missing');
    currentRequestId = id;
    currentTenantId = h['lambda-runtime-aws-tenant-id'];
    if (h['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
    else delete process.env._X_AMZN_TRACE_ID;

    const client = this.client;
    const fatal = (code) => (err) => {
      client.postError(id, err, false).catch(() => {}).finally(() => process.exit(code));
    };
    this.onUncaught = fatal(129);
    this.onRejection = fatal(128);

    // --- completion plumbing (first report wins) ---
    let reported = false;
    let waitForEmptyLoop = true;
    const next = () => this.schedule();
    const reportError = (err) => {
      if (reported) return;
      reported = true;
      beforeExitAction = () => {};
      logError('Invoke Error', err);
      client.postError(id, err).then(next, this.die);
    };
    const reportResult = (result) => {
      if (reported) return;
      let body;
      try {
        body = serialize(result);
      } catch (e) {
        reportError(e);
        return;
      }
      reported = true;
      beforeExitAction = () => {};
      client.postResponse(id, body).then(next, this.die);
    };
    const done = (err, result) => {
      beforeExitAction = () => {};
      if (err !== undefined && err !== null) reportError(err);
      else reportResult(result);
    };
    let settled = false;
    const once = (fn) => (...args) => {
      if (settled) return;
      settled = true;
      fn(...args);
    };
    const callback = once((err, result) => {
      beforeExitAction = () => {};
      if (err !== undefined && err !== null) reportError(err);
      else if (!waitForEmptyLoop) reportResult(result);
      else beforeExitAction = () => { beforeExitAction = () => {}; setImmediate(() => reportResult(result)); };
    });

    const deadline = Number(h['lambda-runtime-deadline-ms']);
    const context = {
      get callbackWaitsForEmptyEventLoop() { return waitForEmptyLoop; },
      set callbackWaitsForEmptyEventLoop(v) { waitForEmptyLoop = v; },
      succeed: once((result) => done(null, result)),
      fail: once((err) => done(err === undefined || err === null ? 'handled' : err, null)),
      done: once(done),
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: undefined,
      identity: undefined,
      invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
      awsRequestId: id,
      tenantId: currentTenantId,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };

    // If the event loop drains without any report: a sync handler that never called
    // back returns null; an async one whose promise never settled is an error.
    beforeExitAction = () => {
      beforeExitAction = () => {};
      if (reported) return;
      if (this.isAsync) {
        reportError(Object.assign(new NodeJsExit(NODE_EXIT_MESSAGE)));
      } else {
        reported = true;
        client.postResponse(id, 'null').then(next, this.die);
      }
    };

    try {
      context.clientContext = parseHeaderJson(h['lambda-runtime-client-context'], 'ClientContext');
      context.identity = parseHeaderJson(h['lambda-runtime-cognito-identity'], 'CognitoIdentity');
      const event = JSON.parse(res.body.toString('utf8'));
      if (this.handler[HANDLER_STREAMING] === STREAM_RESPONSE) {
        this.stream(id, event, context, reportError, next);
        return;
      }
      const ret = this.handler(event, context, callback);
      if (ret && typeof ret.then === 'function') {
        ret.then(context.succeed, context.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  // A streamifyResponse handler: (event, responseStream, context); done when its promise settles and the stream
  // has ended. An error before the first byte goes to /error; after it, in the stream's trailers.
  stream(id, event, context, reportError, next) {
    beforeExitAction = () => {};
    const responseStream = createResponseStream(this.client, API_PREFIX, id, this.handler[HANDLER_HIGHWATERMARK]);
    const fail = (err) => {
      if (!responseStream.started) {
        reportError(err);
        return;
      }
      logError('Invoke Error', err);
      responseStream.fail(errorPayload(err));
      responseStream.answered().then(next, this.die);
    };
    let ret;
    try {
      ret = this.handler(event, responseStream, context);
    } catch (err) {
      fail(err);
      return;
    }
    Promise.resolve(ret).then(async () => {
      if (!responseStream.writableEnded) responseStream.end();
      await finished(responseStream);
      await responseStream.answered();
      next();
    }, fail).catch(this.die);
  }

  die = (err) => {
    process.stderr.write(`nimbus-runtime: lost the Runtime API: ${err && err.message}\n`);
    process.exit(1);
  };
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------
// A stem cell waits here, with the runtime client loaded, until the platform writes its function's environment
// (NUL-separated NAME=value entries) to the fd named by _NIMBUS_STEM_FD (a socket) and closes its end; by then
// /var/task and /opt show the function's code and layers. One byte written first tells the platform the cell is ready.
// Before that, what the function's start would otherwise do first, lazily, is done here (environment written to the
// first /next ~9 → ~5.5 ms outside a sandbox, bench/README.md 2026-12-06): Node's ES-module loader is initialized by an
// empty module (~1.2 ms of an ES-module handler's load), and the Runtime API's connection is opened (its address is
// the cell's own nimbus-init's, the same after specialization; net.connect's first call sets up ~1 ms of internals);
// the environment is read through the event loop (a net.Socket) rather than the thread pool. Returns the client with
// its connection open (or closed again by the server: its first request then connects anew).
async function awaitFunction() {
  if (requireEsmAllowed()) require('./warm.mjs');
  const address = process.env.AWS_LAMBDA_RUNTIME_API;
  const client = address ? new RuntimeClient(address) : null;
  await new Promise((resolve) => {
    // Without an address (never in a sandbox), one attempt to a port nothing listens on in the cell's own loopback.
    const socket = client ? client.connect() : net.connect({ host: '127.0.0.1', port: 1 });
    socket.once('error', resolve).once('connect', () => {
      if (client) socket.unref(); // an idle connection never keeps the event loop alive
      else socket.destroy();
      resolve();
    });
  });
  try {
    fs.writeSync(Number(STEM_FD), 'w');
  } catch {
    // EPIPE: the function's environment is already there (the cell was taken before it got here).
  }
  const chunks = [];
  for await (const chunk of new net.Socket({ fd: Number(STEM_FD), readable: true, writable: false })) chunks.push(chunk);
  const next = new Map();
  for (const entry of Buffer.concat(chunks).toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) next.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  // Only what differs is touched: every write or delete of TZ makes Node re-detect the time zone, and with TZ unset
  // even for a moment ICU searches /usr/share/zoneinfo for a file equal to /etc/localtime (~10 ms of a cold start).
  for (const name of Object.keys(process.env)) if (!next.has(name)) delete process.env[name];
  for (const [name, value] of next) if (process.env[name] !== value) process.env[name] = value;
  LOG_JSON = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
  if (process.env.LAMBDA_TASK_ROOT) process.chdir(process.env.LAMBDA_TASK_ROOT);
  setupNodePath();
  return client;
}

const TRACE_VARIABLE = '_X_AMZN_TRACE_ID';

// _X_AMZN_TRACE_ID is set for each invocation, as AWS's runtime client does. Writing it to process.env is a setenv(3),
// and glibc's setenv keeps every string it ever made (a getenv elsewhere may still hold it): with a new trace id per
// invocation a warm environment grew ~140-195 bytes per invocation without end, and a busy 128 MB function would
// have reached its limit. So before the function's code loads, process.env becomes a proxy of itself that keeps this
// one name in JavaScript: reads, `in`, Object.keys, spreading and child processes (they are given process.env's
// entries) see it as before; what reads the C environment itself (a native addon's getenv, a Worker left with the
// default environment), util.inspect (it shows a proxy's target) and structuredClone (a proxy cannot be cloned) do
// not. Every other name is the real environment's, as before. Reads through the proxy cost ~0.25 µs more.
function keepTraceIdInJavaScript() {
  const real = process.env;
  let trace = real[TRACE_VARIABLE];
  if (trace !== undefined) delete real[TRACE_VARIABLE];
  process.env = new Proxy(real, {
    get: (target, name) => (name === TRACE_VARIABLE ? trace : target[name]),
    set(target, name, value) {
      if (name === TRACE_VARIABLE) trace = `${value}`;
      else target[name] = value;
      return true;
    },
    has: (target, name) => (name === TRACE_VARIABLE ? trace !== undefined : name in target),
    deleteProperty(target, name) {
      if (name === TRACE_VARIABLE) trace = undefined;
      else delete target[name];
      return true;
    },
    ownKeys(target) {
      // The real environment may get the name again (a Worker sharing it, a native addon's setenv): listed once.
      const names = Reflect.ownKeys(target).filter((name) => name !== TRACE_VARIABLE);
      if (trace !== undefined) names.push(TRACE_VARIABLE);
      return names;
    },
    getOwnPropertyDescriptor(target, name) {
      if (name !== TRACE_VARIABLE) return Reflect.getOwnPropertyDescriptor(target, name);
      return trace === undefined ? undefined : { value: trace, writable: true, enumerable: true, configurable: true };
    },
    defineProperty(target, name, descriptor) {
      if (name !== TRACE_VARIABLE) return Reflect.defineProperty(target, name, descriptor);
      // As process.env: only a configurable, writable, enumerable data descriptor.
      if (!('value' in descriptor) || descriptor.configurable !== true || descriptor.writable !== true
          || descriptor.enumerable !== true) return false;
      trace = `${descriptor.value}`;
      return true;
    },
  });
  // `import { env } from 'node:process'` in the function's code must see the proxy too.
  Module.syncBuiltinESMExports();
}

async function main() {
  // The function's code sees no main module, as under AWS's ES-module entry (require.main and process.mainModule are
  // undefined there): a CommonJS entry would otherwise be every module's require.main.
  process.mainModule = undefined;
  // Before a stem cell waits: its function's variables are then written through the proxy.
  keepTraceIdInJavaScript();
  const opened = STEM_FD !== undefined ? await awaitFunction() : null;
  patchConsole();
  const address = process.env.AWS_LAMBDA_RUNTIME_API;
  if (!address) {
    process.stderr.write('nimbus-runtime: AWS_LAMBDA_RUNTIME_API is not set\n');
    process.exit(2);
  }
  if (opened && opened.address !== address && opened.socket) opened.socket.destroy();
  const client = opened && opened.address === address ? opened : new RuntimeClient(address);
  // Nimbus's Python client uses it; Node's net cannot reach an abstract socket (docs/internals/invoke-path.md).
  delete process.env._NIMBUS_RUNTIME_API_SOCKET;
  let runtime = null;
  const initFailure = (label, code) => (err) => {
    client.postInitError(err).catch(() => {}).finally(() => process.exit(code));
  };
  process.on('uncaughtException', (err) => {
    logError('Uncaught Exception', err);
    (runtime ? runtime.onUncaught : initFailure('Uncaught Exception', 129))(err);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const err = new UnhandledPromiseRejection(reason, promise);
    logError('Unhandled Promise Rejection', err);
    (runtime ? runtime.onRejection : initFailure('Unhandled Promise Rejection', 128))(err);
  });

  const appRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const handlerName = process.env._HANDLER || process.argv[2] || '';
  let handler;
  try {
    handler = await loadHandler(appRoot, handlerName);
  } catch (err) {
    logError('Uncaught Exception', err);
    await client.postInitError(err).catch((e) => {
      process.stderr.write(`nimbus-runtime: could not report init error: ${e.message}\n`);
    });
    process.exit(129);
  }
  // A streaming function loads what its responses need now, in its init, not in its first invocation.
  if (handler[HANDLER_STREAMING] === STREAM_RESPONSE) loadStreaming();
  runtime = new Runtime(client, handler);
  runtime.start();
}

main();
