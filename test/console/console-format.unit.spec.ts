import { label, rupees, when } from '../../apps/console/src/format';

describe('the console writes', () => {
  it('amounts in rupees with Indian digit grouping and two decimals', () => {
    expect(rupees(0)).toBe('₹0.00');
    expect(rupees(5)).toBe('₹0.05');
    expect(rupees(472500)).toBe('₹4,725.00');
    expect(rupees(12345678)).toBe('₹1,23,456.78');
    expect(rupees(1234567890)).toBe('₹1,23,45,678.90');
    expect(rupees(-100000)).toBe('-₹1,000.00');
    expect(rupees(null)).toBe('—');
  });

  it('times as day, month, year and a 12-hour clock in the browser’s zone', () => {
    // The local zone's own midnight and afternoon, whatever zone the test runs in.
    expect(when(new Date(2026, 11, 3, 0, 6).toISOString())).toBe('3 Dec 2026, 12:06 am');
    expect(when(new Date(2026, 8, 13, 12, 46).toISOString())).toBe('13 Sep 2026, 12:46 pm');
    expect(when(new Date(2026, 0, 1, 23, 5).toISOString())).toBe('1 Jan 2026, 11:05 pm');
    expect(when(undefined)).toBe('—');
  });

  it('enum values as words', () => {
    expect(label('ready_for_pickup')).toBe('ready for pickup');
    expect(label('off-network')).toBe('off network');
    expect(label(null)).toBe('—');
  });
});
