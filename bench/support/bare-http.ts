// A trivial node:http server on a free 127.0.0.1 port, in its own process: what this machine serves when the
// handler does nothing (the floor every gateway number is compared with). Started by bench/mcp.bench.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = JSON.stringify({ status: 'ok' });
let requests = 0;
const server = createServer((_req, res) => {
  requests++;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('message', () => process.send!({ cpu: process.cpuUsage(), requests }));
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
