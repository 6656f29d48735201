/**
 * Route metadata the API-key guard reads: which callers a route is for. Shared, so that routes of
 * other apps hosted beside the API (ONDC callbacks, the ONDC sandbox) can declare themselves public
 * and authenticate by their own means (signatures).
 */
export const AUDIENCE_METADATA = 'fulfilment:audience';
export type Audience = 'seller' | 'platform' | 'public';
