import { SetMetadata, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AUDIENCE_METADATA } from '@fulfil/platform';

export type { Audience } from '@fulfil/platform';
export const AUDIENCE = AUDIENCE_METADATA;

/** Routes are for sellers unless marked otherwise. */
export const PlatformRoute = (): MethodDecorator & ClassDecorator => SetMetadata(AUDIENCE, 'platform');
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(AUDIENCE, 'public');

export interface SellerIdentity {
  sellerId: string;
  keyId: string;
}

export interface AuthenticatedRequest {
  seller?: SellerIdentity;
  platform?: boolean;
  /** The client's address (the socket's: the app does not trust proxy headers). */
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The seller the key belongs to; every seller route passes it into its commands and queries. */
export const CurrentSeller = createParamDecorator((_data: unknown, ctx: ExecutionContext): SellerIdentity => {
  const seller = ctx.switchToHttp().getRequest<AuthenticatedRequest>().seller;
  if (!seller) throw new Error('CurrentSeller used on a route without seller authentication');
  return seller;
});
