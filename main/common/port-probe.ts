import { createServer } from 'node:net';
import { errorCode } from './format.js';

/** Binding the port ourselves is the only reliable "is it free" test; the server closes at once. */
export function probePort(host: string, port: number): Promise<'free' | 'in-use' | 'denied'> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error) => {
      const code = errorCode(error);
      if (code === 'EADDRINUSE') resolve('in-use');
      else if (code === 'EACCES') resolve('denied');
      else reject(error);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve('free')));
  });
}
