import type { Duplex } from 'node:stream';
import type { Context } from 'koa';
import type { Logger } from '../../common/logger.js';
import { HttpError } from './errors.js';

/**
 * Codes a connection ends with when the client went away: its business, not a daemon fault.
 * HPE_INVALID_EOF_STATE is the parser's word for a connection closed halfway through a request.
 */
const CLIENT_GONE = new Set([
  'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED', 'HPE_INVALID_EOF_STATE',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The client closed the connection (an aborted upload reads as `aborted`, ECONNRESET). */
export function isClientGone(error: unknown): boolean {
  const code = codeOf(error);
  return (code !== undefined && CLIENT_GONE.has(code)) || (error as Error | null)?.message === 'aborted';
}

/** What Node's HTTP parser refused, said the way the API says it. */
function parserRefusal(code: string | undefined, maxHeaderSize: number): HttpError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HttpError(431, `Request headers are larger than ${Math.round(maxHeaderSize / 1024)} KB`, 'invalid_request_error');
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return new HttpError(400, 'Invalid Content-Length header');
    case 'HPE_INVALID_METHOD':
      return new HttpError(400, 'Unknown HTTP method');
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CHUNK_SIZE':
      return new HttpError(400, 'Invalid Transfer-Encoding or chunked body');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return new HttpError(408, 'The request was not received in time', 'timeout_error');
    default:
      return new HttpError(400, `Malformed HTTP request (${code ?? 'parse error'})`);
  }
}

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/**
 * `server.on('clientError')`: a request Node's parser refused (bad Content-Length, headers over
 * the limit, an unknown method) gets an Anthropic-shaped error instead of Node's empty 400, when
 * the connection can still carry one. Logged at debug: it is the client's mistake.
 */
export function clientErrorHandler(logger: Logger, maxHeaderSize: number) {
  return (error: Error, socket: Duplex): void => {
    const code = codeOf(error);
    // A response already under way on this connection cannot be followed by another.
    const underWay = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (isClientGone(error) || !socket.writable || underWay) {
      logger.debug(`Client connection ended: ${code ?? error.message}`);
      socket.destroy();
      return;
    }
    const refusal = parserRefusal(code, maxHeaderSize);
    logger.debug(`Refused a malformed request: ${code ?? error.message} (${refusal.status})`);
    const body = refusal.body();
    socket.end(
      `HTTP/1.1 ${refusal.status} ${REASONS[refusal.status] ?? 'Bad Request'}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}

/**
 * Koa's `error` event: without a listener Koa prints the stack to stderr (the log file of a
 * background daemon). A client that went away is routine (debug); anything else is one warn line.
 */
export function appErrorListener(logger: Logger) {
  return (error: Error, ctx?: Context): void => {
    const where = ctx ? ` on ${ctx.method} ${ctx.path}` : '';
    if (isClientGone(error)) {
      logger.debug(`Client went away${where}: ${codeOf(error) ?? error.message}`);
      return;
    }
    logger.warn(`Error${where}: ${error.message}`);
    if (error.stack) logger.debug(error.stack);
  };
}
