import { Inject, Injectable } from '@nestjs/common';
import {
  HYPERLOCAL_DOMAIN,
  INTERCITY_DOMAIN,
  KeyId,
  LookupQuery,
  PublicKeyResolver,
  Signer,
  SigningKeyPair,
  SubscriberRecord,
  generateSigningKeyPair,
  isRecordUsable,
} from '@fulfil/ondc';
import { PARTNER_PROFILES, PartnerProfile, servesDomain } from './partners/partner-profiles';
import { PartnerName, PartnerSetup, SandboxOptions, partnerSetups } from './sandbox-options';

export const SANDBOX_OPTIONS = Symbol('SANDBOX_OPTIONS');

/** A participant the sandbox plays itself: a partner or the gateway. */
export interface SandboxParticipant {
  subscriberId: string;
  uniqueKeyId: string;
  /** Replaced by rotateKeys. */
  keys: SigningKeyPair;
  /** Path below the sandbox base URL. */
  path: string;
}

export interface SandboxPartner extends SandboxParticipant {
  setup: PartnerSetup;
  profile: PartnerProfile;
}

const ALL_DOMAINS = [HYPERLOCAL_DOMAIN, INTERCITY_DOMAIN];
const UNIQUE_KEY_ID = 'k1';

/** Keys are valid from a day before start (clock differences) to a year after. */
function validity(startMs: number): Pick<SubscriberRecord, 'valid_from' | 'valid_until' | 'created' | 'updated'> {
  const from = new Date(startMs - 86_400_000).toISOString();
  return { valid_from: from, valid_until: new Date(startMs + 365 * 86_400_000).toISOString(), created: from, updated: from };
}

/**
 * Who is on the sandbox network: the sandbox's own gateway and partners, each with its own key
 * pair, and the registered buyers. It is what the registry publishes, and what the gateway and
 * partners look keys up in (in process: the same answer the registry routes give over HTTP).
 */
@Injectable()
export class SandboxNetwork {
  readonly gateway: SandboxParticipant;
  readonly partners: ReadonlyMap<PartnerName, SandboxPartner>;
  private readonly startedAt = Date.now();
  private base: string | undefined;

  constructor(@Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions) {
    this.base = options.baseUrl?.replace(/\/+$/, '');
    this.gateway = { subscriberId: 'gateway.ondc-sandbox.local', uniqueKeyId: UNIQUE_KEY_ID, keys: options.keys?.gateway ?? generateSigningKeyPair(), path: '/gateway' };
    this.partners = new Map(
      partnerSetups(options).map((setup): [PartnerName, SandboxPartner] => [
        setup.name,
        {
          subscriberId: `${setup.name}.lsp.ondc-sandbox.local`,
          uniqueKeyId: UNIQUE_KEY_ID,
          keys: options.keys?.[setup.name] ?? generateSigningKeyPair(),
          path: `/partners/${setup.name}`,
          setup,
          profile: PARTNER_PROFILES[setup.name],
        },
      ]),
    );
  }

  /** Sets the public base URL once the server listens, when it was not known at start (an ephemeral port). */
  useBaseUrl(url: string): void {
    if (this.base && this.base !== url.replace(/\/+$/, '')) throw new Error(`sandbox base URL is already ${this.base}`);
    this.base = url.replace(/\/+$/, '');
  }

  get baseUrl(): string {
    if (!this.base) throw new Error('sandbox base URL not set: pass baseUrl, or start it with startSandbox');
    return this.base;
  }

  /** A partner changes its signing key, as participants do: the registry publishes the new one at once. */
  rotateKeys(name: PartnerName): SigningKeyPair {
    const partner = this.partners.get(name);
    if (!partner) throw new Error(`partner ${name} is not taking part`);
    partner.keys = generateSigningKeyPair();
    return partner.keys;
  }

  urlOf(participant: SandboxParticipant): string {
    return `${this.baseUrl}${participant.path}`;
  }

  signerOf(participant: SandboxParticipant): Signer {
    return { subscriberId: participant.subscriberId, uniqueKeyId: participant.uniqueKeyId, privateKey: participant.keys.signingPrivateKey };
  }

  /** Every registry record: one per participant and domain it serves, as the ONDC registry keeps them. */
  records(): SubscriberRecord[] {
    const dates = validity(this.startedAt);
    const record = (who: KeyId & { signingPublicKey: string }, url: string, type: string, domain: string): SubscriberRecord => ({
      subscriber_id: who.subscriberId,
      ukId: who.uniqueKeyId,
      subscriber_url: url,
      type,
      domain,
      signing_public_key: who.signingPublicKey,
      // The sandbox does not encrypt (no /on_subscribe challenge); the signing key stands in so the field is filled.
      encr_public_key: who.signingPublicKey,
      status: 'SUBSCRIBED',
      city: '*',
      country: 'IND',
      ...dates,
    });
    const own = (p: SandboxParticipant) => ({ subscriberId: p.subscriberId, uniqueKeyId: p.uniqueKeyId, signingPublicKey: p.keys.signingPublicKey });
    return [
      ...ALL_DOMAINS.map((d) => record(own(this.gateway), this.urlOf(this.gateway), 'BG', d)),
      ...[...this.partners.values()].flatMap((p) => ALL_DOMAINS.filter((d) => servesDomain(p.profile, d)).map((d) => record(own(p), this.urlOf(p), 'BPP', d))),
      ...this.options.buyers.flatMap((b) => ALL_DOMAINS.map((d) => record(b, b.subscriberUrl, 'BAP', d))),
    ];
  }

  /** The registry's answer to a lookup: records matching every given field (a `*` city matches any). */
  lookup(query: LookupQuery): SubscriberRecord[] {
    const matches = (record: SubscriberRecord): boolean =>
      (!query.subscriber_id || record.subscriber_id === query.subscriber_id) &&
      (!query.ukId || record.ukId === query.ukId) &&
      (!query.type || record.type === query.type.toUpperCase()) &&
      (!query.domain || record.domain === query.domain) &&
      (!query.country || record.country === query.country) &&
      (!query.city || record.city === '*' || record.city === query.city);
    return this.records().filter(matches);
  }

  /** Key lookup for verifying signatures inside the sandbox. */
  readonly resolveSigningKey: PublicKeyResolver = (keyId) =>
    this.lookup({ subscriber_id: keyId.subscriberId, ukId: keyId.uniqueKeyId }).find((r) => isRecordUsable(r, Date.now()))?.signing_public_key;
}
