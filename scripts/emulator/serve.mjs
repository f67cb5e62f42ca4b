// Starts fauxqs (SQS, SNS and S3 on one port) on 127.0.0.1 only: its own CLI (dist/cli.js) always
// listens on every interface. Same variables as that CLI: FAUXQS_PORT, FAUXQS_HOST (the host in
// queue URLs), FAUXQS_DEFAULT_REGION, FAUXQS_LOGGER. State is in memory and ends with the process.
import { buildApp } from "fauxqs";

const port = Number.parseInt(process.env.FAUXQS_PORT ?? "4566", 10);
const app = buildApp({
  logger: (process.env.FAUXQS_LOGGER ?? "false") !== "false",
  host: process.env.FAUXQS_HOST,
  defaultRegion: process.env.FAUXQS_DEFAULT_REGION,
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    app.close().finally(() => process.exit(0));
  });
}

await app.listen({ port, host: "127.0.0.1" });
console.log(`fauxqs listening on http://127.0.0.1:${port}`);
