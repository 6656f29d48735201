import { GstInputError } from './gst-input-error';

export interface GstState {
  /** Two-digit code that opens every GSTIN registered in the state. */
  code: string;
  name: string;
}

/**
 * The state and union territory codes of the GST system, as the GST portal lists them.
 * 25 (Daman and Diu) and 28 (Andhra Pradesh before its division) are no longer issued but stay
 * here because registrations and documents that carry them still exist.
 */
export const GST_STATES: readonly GstState[] = [
  { code: '01', name: 'Jammu and Kashmir' },
  { code: '02', name: 'Himachal Pradesh' },
  { code: '03', name: 'Punjab' },
  { code: '04', name: 'Chandigarh' },
  { code: '05', name: 'Uttarakhand' },
  { code: '06', name: 'Haryana' },
  { code: '07', name: 'Delhi' },
  { code: '08', name: 'Rajasthan' },
  { code: '09', name: 'Uttar Pradesh' },
  { code: '10', name: 'Bihar' },
  { code: '11', name: 'Sikkim' },
  { code: '12', name: 'Arunachal Pradesh' },
  { code: '13', name: 'Nagaland' },
  { code: '14', name: 'Manipur' },
  { code: '15', name: 'Mizoram' },
  { code: '16', name: 'Tripura' },
  { code: '17', name: 'Meghalaya' },
  { code: '18', name: 'Assam' },
  { code: '19', name: 'West Bengal' },
  { code: '20', name: 'Jharkhand' },
  { code: '21', name: 'Odisha' },
  { code: '22', name: 'Chhattisgarh' },
  { code: '23', name: 'Madhya Pradesh' },
  { code: '24', name: 'Gujarat' },
  { code: '25', name: 'Daman and Diu' },
  { code: '26', name: 'Dadra and Nagar Haveli and Daman and Diu' },
  { code: '27', name: 'Maharashtra' },
  { code: '28', name: 'Andhra Pradesh (Before Division)' },
  { code: '29', name: 'Karnataka' },
  { code: '30', name: 'Goa' },
  { code: '31', name: 'Lakshadweep' },
  { code: '32', name: 'Kerala' },
  { code: '33', name: 'Tamil Nadu' },
  { code: '34', name: 'Puducherry' },
  { code: '35', name: 'Andaman and Nicobar Islands' },
  { code: '36', name: 'Telangana' },
  { code: '37', name: 'Andhra Pradesh' },
  { code: '38', name: 'Ladakh' },
  { code: '97', name: 'Other Territory' },
];

const STATE_NAMES: ReadonlyMap<string, string> = new Map(GST_STATES.map((state) => [state.code, state.name]));

/**
 * Union territories without a legislature, where an intra-territory supply bears UTGST (Union
 * Territory Goods and Services Tax Act, 2017, s. 7) instead of SGST: the "Union territory" of
 * CGST Act s. 2(114), which lists Andaman and Nicobar Islands, Lakshadweep, Dadra and Nagar Haveli
 * and Daman and Diu, Ladakh, Chandigarh and other territory. 25 is the old Daman and Diu code.
 * Delhi, Puducherry and Jammu and Kashmir have legislatures and levy SGST like states.
 */
const UTGST_TERRITORIES: ReadonlySet<string> = new Set(['04', '25', '26', '31', '35', '38', '97']);

export function leviesUtgst(code: string): boolean {
  return UTGST_TERRITORIES.has(code);
}

export function isGstStateCode(code: string): boolean {
  return STATE_NAMES.has(code);
}

/** The state's name as printed on invoices; throws GstInputError for a code that is not listed. */
export function gstStateName(code: string): string {
  const name = STATE_NAMES.get(code);
  if (name === undefined) throw new GstInputError([{ field: 'stateCode', message: `"${code}" is not a GST state code` }]);
  return name;
}
