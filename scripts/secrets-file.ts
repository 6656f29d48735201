import { randomBytes } from 'node:crypto';
import { generateSigningKeyPair } from '@fulfil/ondc';

/** What `npm run secrets` writes, in this order; docker/docker-compose.yml requires the first four. */
export const SECRET_NAMES = [
  'POSTGRES_PASSWORD',
  'DELIVERY_OTP_SECRET',
  'PLATFORM_API_KEY',
  'METRICS_TOKEN',
  'ONDC_SIGNING_PRIVATE_KEY',
  'ONDC_SIGNING_PUBLIC_KEY',
] as const;

export type Secrets = Record<(typeof SECRET_NAMES)[number], string>;

/**
 * Fresh values from the system's CSPRNG, 32 random bytes each, in encodings that need no quoting
 * in an env file or a URL (the PostgreSQL password sits inside DATABASE_URL): hex and base64url.
 * The ONDC pair is the adapter's own encoding (libs/ondc): base64 of libsodium's 64-byte private
 * key and of the raw 32-byte public key, which is what a registry is given.
 */
export function generateSecrets(): Secrets {
  const keys = generateSigningKeyPair();
  return {
    POSTGRES_PASSWORD: randomBytes(32).toString('hex'),
    DELIVERY_OTP_SECRET: randomBytes(32).toString('hex'),
    PLATFORM_API_KEY: `fep_${randomBytes(32).toString('base64url')}`,
    METRICS_TOKEN: randomBytes(32).toString('base64url'),
    ONDC_SIGNING_PRIVATE_KEY: keys.signingPrivateKey,
    ONDC_SIGNING_PUBLIC_KEY: keys.signingPublicKey,
  };
}

/** The env file, with the settings an operator still has to choose left as comments. */
export function renderEnvFile(secrets: Secrets, writtenAt: Date): string {
  return `# Written by \`npm run secrets\` at ${writtenAt.toISOString()}. Mode 0600; kept out of git and of images.
# docker compose -f docker/docker-compose.yml --env-file docker/.env up -d --build
# Every instance of every app must share these values: keep this file, and back it up with the data.
POSTGRES_PASSWORD=${secrets.POSTGRES_PASSWORD}
DELIVERY_OTP_SECRET=${secrets.DELIVERY_OTP_SECRET}
PLATFORM_API_KEY=${secrets.PLATFORM_API_KEY}
METRICS_TOKEN=${secrets.METRICS_TOKEN}

# WhatsApp Cloud API credentials; without them the API refuses to start unless WHATSAPP_MODE=sandbox.
# WHATSAPP_MODE=cloud
# WHATSAPP_ACCESS_TOKEN=
# WHATSAPP_PHONE_NUMBER_ID=
# WHATSAPP_APP_SECRET=
# WHATSAPP_VERIFY_TOKEN=

# ONDC logistics (--profile ondc). Register ONDC_SIGNING_PUBLIC_KEY with the registry under your
# subscriber id and unique key id. Sellers that ship off-network only need none of this.
ONDC_SIGNING_PRIVATE_KEY=${secrets.ONDC_SIGNING_PRIVATE_KEY}
ONDC_SIGNING_PUBLIC_KEY=${secrets.ONDC_SIGNING_PUBLIC_KEY}
# ONDC_SUBSCRIBER_ID=
# ONDC_UNIQUE_KEY_ID=k1
# ONDC_BAP_URI=https://your-host/ondc
# ONDC_REGISTRY_URL=
# ONDC_BILLING_NAME=
# ONDC_BILLING_GSTIN=
# ONDC_BILLING_PHONE=
# ONDC_BILLING_EMAIL=
# ONDC_BILLING_ADDRESS=
# ONDC_BILLING_CITY=
# ONDC_BILLING_STATE=
# ONDC_BILLING_PINCODE=
`;
}
