// Nimbus Node.js runtime: response streaming, as AWS's Node runtime offers it.
//
// awslambda.streamifyResponse(handler) marks a handler that takes (event, responseStream, context);
// awslambda.HttpResponseStream.from(stream, prelude) makes a function URL answer with a status, headers and
// cookies: the stream's content type becomes application/vnd.awslambda.http-integration-response and the JSON
// prelude plus 8 NUL bytes go out before the first byte of the body.
// The stream is a Writable posting to /runtime/invocation/{id}/response with
// Lambda-Runtime-Function-Response-Mode: streaming and chunked transfer; an error after the first byte is sent in
// the trailers Lambda-Runtime-Function-Error-Type and Lambda-Runtime-Function-Error-Body (base64 JSON).

'use strict';

const { Writable } = require('node:stream');

// node:http and node:stream/promises are loaded only for a function that streams: at init when its handler is
// streamified (loadStreaming, from index.cjs), else at its first streamed response. Every other function's cold start
// never pays for them (~1 ms of this client's start here; node:http alone adds ~6 ms to a bare node's ~22 ms).
let http = null;
let finishedStream = null;
function loadStreaming() {
  http ??= require('node:http');
  finishedStream ??= require('node:stream/promises').finished;
}

/** Resolves once the stream has ended (or rejects with its error). */
function finished(stream) {
  loadStreaming();
  return finishedStream(stream);
}

/** The agent of a runtime client's streamed responses: one kept-alive connection of their own. */
function agentOf(client) {
  client.streamingAgent ??= new http.Agent({ keepAlive: true, maxSockets: 1 });
  return client.streamingAgent;
}

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';
const HTTP_INTEGRATION_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER_LENGTH = 8;

class HttpResponseStream {
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType(HTTP_INTEGRATION_TYPE);
    const metadata = JSON.stringify(prelude ?? {});
    underlyingStream._onBeforeFirstWrite = (write) => {
      write(metadata);
      write(new Uint8Array(DELIMITER_LENGTH));
    };
    return underlyingStream;
  }
}

function streamifyResponse(handler, options) {
  handler[HANDLER_STREAMING] = STREAM_RESPONSE;
  if (options && Number.isInteger(options.highWaterMark)) {
    handler[HANDLER_HIGHWATERMARK] = options.highWaterMark;
  }
  return handler;
}

/**
 * The responseStream a streaming handler writes to. The POST starts with the first write (or the end), so a
 * handler that fails before writing anything is reported through /error, as a buffered one is.
 */
function createResponseStream(client, apiPrefix, id, highWaterMark) {
  let request = null;
  let answered = null;
  let contentType = 'application/octet-stream';
  const open = () => {
    if (request) return request;
    loadStreaming();
    request = http.request({
      host: client.host,
      port: client.port,
      method: 'POST',
      path: `${apiPrefix}/invocation/${encodeURIComponent(id)}/response`,
      agent: agentOf(client),
      headers: {
        'Content-Type': contentType,
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Transfer-Encoding': 'chunked',
        Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
      },
    });
    answered = new Promise((resolve, reject) => {
      request.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      });
      request.on('error', reject);
    });
    request.flushHeaders();
    const before = stream._onBeforeFirstWrite;
    if (typeof before === 'function') {
      stream._onBeforeFirstWrite = undefined;
      before((chunk) => request.write(chunk));
    }
    return request;
  };

  const stream = new Writable({
    highWaterMark,
    write(chunk, encoding, callback) {
      open().write(chunk, encoding, callback);
    },
    final(callback) {
      open().end(callback);
    },
  });
  stream.setContentType = (value) => {
    if (request) throw new Error('The content type must be set before the first write.');
    contentType = String(value);
  };
  Object.defineProperty(stream, 'started', { get: () => request !== null });
  // Ends a stream already started with an error in its trailers.
  stream.fail = (payload) => {
    const req = open();
    req.addTrailers({
      'Lambda-Runtime-Function-Error-Type': String(payload.errorType ?? 'Runtime.Unknown').replace(/[^\x20-\x7E]/g, ''),
      'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(payload)).toString('base64'),
    });
    req.end();
  };
  // The Runtime API's answer to the POST (202), once the whole body went out.
  stream.answered = () => answered ?? Promise.resolve(202);
  return stream;
}

module.exports = {
  loadStreaming,
  finished,
  HANDLER_STREAMING,
  HANDLER_HIGHWATERMARK,
  STREAM_RESPONSE,
  HttpResponseStream,
  streamifyResponse,
  createResponseStream,
};
