import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiRootModule } from './api-root.module';
import { createHttpApp, openApiDocument } from './http-app';


/** The OpenAPI document of the seller API, rendered from the controllers and DTOs themselves. */
export async function renderOpenApi(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openapi-'));
  const app = await createHttpApp(
    ApiRootModule.forConfig({
      port: 0,
      dataDir,
      eventStore: { kind: 'embedded' },
      deliveryOtpSecret: randomBytes(32),
      platformApiKey: randomBytes(24).toString('hex'),
      readModels: { kind: 'embedded' },
      uploadsDir: join(dataDir, 'uploads'),
      logLevel: 'silent',
    }),
  );
  try {
    return `${JSON.stringify(openApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const target = process.argv[2] ? resolve(process.argv[2]) : resolve('contracts/openapi.json');
  renderOpenApi()
    .then((document) => {
      writeFileSync(target, document);
      process.stdout.write(`Wrote ${target}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
