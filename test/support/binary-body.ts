import type { Response } from 'supertest';

/** supertest buffers binary bodies (PDFs) only when told how: `.buffer(true).parse(binaryBody as never)`. */
export const binaryBody = (response: Response, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
};
