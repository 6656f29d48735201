import { PackagedPincodeDirectory, parseGeonamesPostalCodes } from '@fulfil/commands';

const row = (pincode: string, place: string, lat: string, lng: string, accuracy: string) =>
  ['IN', pincode, place, 'Karnataka', '19', 'Bengaluru', '583', 'Bangalore North', '', lat, lng, accuracy].join('\t');

describe('PIN code directory', () => {
  it('places a PIN code at the mean of its best-located post offices, ignoring rougher rows and junk', () => {
    const points = parseGeonamesPostalCodes(
      [
        row('560034', 'Koramangala', '12.9300', '77.6200', '4'),
        row('560034', 'Koramangala VI Bk', '12.9400', '77.6300', '4'),
        row('560034', 'Taluk centroid', '13.2257', '77.5750', '3'),
        row('560038', 'Indiranagar', '12.9784', '77.6408', '1'),
        row('056003', 'not a PIN code', '1', '1', '4'),
        row('560099', 'no coordinates', '', '', '4'),
        '',
      ].join('\n'),
    );

    expect(Object.fromEntries(points)).toEqual({ '560034': { lat: 12.935, lng: 77.625 }, '560038': { lat: 12.9784, lng: 77.6408 } });
  });

  it('from the packaged table knows the README buyer PIN code and every first digit of India, and not an invented one', async () => {
    const locate = await new PackagedPincodeDirectory().load();

    const pune = locate('411045');
    expect(pune?.lat).toBeCloseTo(18.56, 1);
    expect(pune?.lng).toBeCloseTo(73.78, 1);
    for (const pincode of ['110001', '226001', '302001', '400001', '500001', '600001', '700001', '800001']) expect(locate(pincode)).toBeDefined();
    expect(locate('999999')).toBeUndefined();
  });
});
