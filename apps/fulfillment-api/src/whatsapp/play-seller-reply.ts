import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import axios from 'axios';
import { ConfigError } from '@fulfil/platform';
import { loadWhatsAppConfig, metaJson, placeSandboxMedia, signedDelivery, webhookDelivery, type PlayedContent, type PlayedStatus } from '@fulfil/whatsapp';

const USAGE = `Plays a WhatsApp delivery into the engine's webhook, signed like Meta would sign it.

  npm run whatsapp:reply -- --from 919876543210 --text "Blue Dart"
  npm run whatsapp:reply -- --from 919876543210 --button fulfil:ship:<sellerId>:<orderId> [--title "Mark as Shipped"]
  npm run whatsapp:reply -- --from 919876543210 --image ./parcel.jpg      (sandbox only)
  npm run whatsapp:reply -- --status <wamid> --recipient 919876543210 [--state delivered|read] [--failed 131047]

Options: --url (default http://localhost:$PORT), --id (replay a message id), --ascii (escape non-ASCII like Meta may).
The app secret is WHATSAPP_APP_SECRET, or the sandbox's generated one under DATA_DIR.`;

function options(argv: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    if (!name.startsWith('--')) throw new Error(`Unexpected argument ${name}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) found.set(name.slice(2), 'true');
    else {
      found.set(name.slice(2), value);
      i++;
    }
  }
  return found;
}

const IMAGE_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

async function play(argv: string[]): Promise<void> {
  const args = options(argv);
  if (args.has('help') || args.size === 0) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = loadWhatsAppConfig(process.env, resolve(process.env['DATA_DIR'] || './.data'));
  const url = args.get('url') ?? `http://localhost:${process.env['PORT'] || 3000}`;
  const statuses: PlayedStatus[] = [];
  const messages = [];
  const status = args.get('status');
  if (status) {
    const recipient = args.get('recipient');
    if (!recipient) throw new Error('--status needs --recipient');
    const failed = args.get('failed');
    statuses.push({ id: status, recipient, status: failed ? 'failed' : ((args.get('state') as PlayedStatus['status'] | undefined) ?? 'delivered'), ...(failed ? { errors: [{ code: Number(failed), title: `Error ${failed}` }] } : {}) });
  } else {
    const from = args.get('from');
    if (!from) throw new Error('--from is required (the seller\'s WhatsApp number, digits only)');
    let content: PlayedContent;
    const image = args.get('image');
    const button = args.get('button');
    if (image) {
      if (config.channel.kind !== 'sandbox') throw new Error('--image works only with the sandbox sink');
      const mimeType = IMAGE_TYPES[extname(image).toLowerCase()] ?? 'image/jpeg';
      content = { image: { mediaId: placeSandboxMedia(config.channel.directory, readFileSync(image), mimeType, image), mimeType } };
    } else if (button) {
      content = { quickReply: { payload: button, text: args.get('title') ?? button } };
    } else {
      content = { text: args.get('text') ?? '' };
    }
    const id = args.get('id');
    messages.push({ from, content, ...(id ? { id } : {}) });
  }
  const raw = metaJson(webhookDelivery(messages, statuses), { escapeNonAscii: args.has('ascii') });
  const { headers } = signedDelivery(raw, config.appSecret);
  const response = await axios.post(`${url}/webhooks/whatsapp`, raw, { headers, validateStatus: () => true, transformRequest: (body: string) => body });
  process.stdout.write(`${response.status} ${JSON.stringify(response.data)}\n`);
  if (response.status >= 300) process.exitCode = 1;
}

play(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
