import { GkeCluster, MaintenanceExclusion, MaintenanceExclusionScope, MaintenanceWindow, Weekday } from '../../lib/gcp';
import { configError } from '../support/errors';
import { description, synthScope } from './support';

/** The cluster's maintenance_policy with this window. */
const policy = (maintenanceWindow: MaintenanceWindow) => synthScope((scope) => {
  new GkeCluster(scope, 'Gke', { description: description(), maintenanceWindow });
}).resources('google_container_cluster')[0].maintenance_policy;

const peak = (x: Partial<MaintenanceExclusion> = {}): MaintenanceExclusion => ({ name: 'peak', startTime: '2026-11-20T00:00:00Z', endTime: '2026-11-30T00:00:00Z', ...x });
const daily = (...exclusions: MaintenanceExclusion[]) => MaintenanceWindow.daily({ startHourUtc: 2, durationHours: 4, exclusions });

describe('MaintenanceWindow: the days and hours of the week it is open', () => {
  test('the default: Saturday and Sunday 03:00–11:00 UTC, counted from Monday 00:00', () => {
    expect(MaintenanceWindow.WEEKENDS.weekdays).toEqual([Weekday.SATURDAY, Weekday.SUNDAY]);
    expect(MaintenanceWindow.WEEKENDS.weekHours).toEqual([123, 124, 125, 126, 127, 128, 129, 130, 147, 148, 149, 150, 151, 152, 153, 154]);
  });

  test('a daily window opens every day; one past Sunday midnight goes on at Monday\'s first hours, in order', () => {
    const window = MaintenanceWindow.daily({ startHourUtc: 22, durationHours: 4 });
    expect(window.weekdays).toEqual(Object.values(Weekday));
    expect(window.weekHours.slice(0, 5)).toEqual([0, 1, 22, 23, 24]);
    expect(window.weekHours).toHaveLength(28);
    expect(MaintenanceWindow.weekly({ days: [Weekday.SUNDAY], startHourUtc: 20, durationHours: 8 }).weekHours).toEqual([0, 1, 2, 3, 164, 165, 166, 167]);
  });

  test('a whole day, and overlapping days counted once', () => {
    expect(MaintenanceWindow.weekly({ days: [Weekday.MONDAY], startHourUtc: 0, durationHours: 24 }).weekHours).toEqual(Array.from({ length: 24 }, (_, h) => h));
    expect(MaintenanceWindow.weekly({ days: [Weekday.MONDAY, Weekday.TUESDAY], startHourUtc: 12, durationHours: 24 }).weekHours)
      .toEqual(Array.from({ length: 48 }, (_, h) => h + 12));
  });

  test('the days are a copy', () => {
    const window = MaintenanceWindow.weekly({ days: [Weekday.MONDAY], startHourUtc: 0, durationHours: 24 });
    window.weekdays.push(Weekday.FRIDAY);
    expect(window.weekdays).toEqual([Weekday.MONDAY]);
  });
});

describe('MaintenanceWindow recurring windows', () => {
  test('the default: Saturday and Sunday, 03:00 to 11:00 UTC', () => {
    expect(MaintenanceWindow.WEEKENDS.recurrence).toBe('FREQ=WEEKLY;BYDAY=SA,SU');
    expect(MaintenanceWindow.WEEKENDS.startHourUtc).toBe(3);
    expect(MaintenanceWindow.WEEKENDS.durationHours).toBe(8);
  });

  test('daily, without exclusions: no maintenance_exclusion', () => {
    expect(policy(MaintenanceWindow.daily({ startHourUtc: 0, durationHours: 24 }))).toEqual({
      recurring_window: { start_time: '2024-01-01T00:00:00Z', end_time: '2024-01-02T00:00:00Z', recurrence: 'FREQ=DAILY' },
    });
  });

  test('weekly, with exclusions', () => {
    const window = MaintenanceWindow.weekly({
      days: [Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY], startHourUtc: 23, durationHours: 6,
      exclusions: [peak({ scope: MaintenanceExclusionScope.NO_MINOR_OR_NODE_UPGRADES })],
    });
    expect(window.recurrence).toBe('FREQ=WEEKLY;BYDAY=TU,WE,TH');
    expect(policy(window)).toEqual({
      recurring_window: { start_time: '2024-01-01T23:00:00Z', end_time: '2024-01-02T05:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=TU,WE,TH' },
      maintenance_exclusion: [{ exclusion_name: 'peak', start_time: '2026-11-20T00:00:00Z', end_time: '2026-11-30T00:00:00Z', exclusion_options: { scope: 'NO_MINOR_OR_NODE_UPGRADES' } }],
    });
  });

  test('the options are copied: changing them later changes nothing', () => {
    const days = [Weekday.SATURDAY, Weekday.SUNDAY];
    const exclusions = [peak()];
    const window = MaintenanceWindow.weekly({ days, startHourUtc: 3, durationHours: 8, exclusions });
    days.push(Weekday.MONDAY);
    exclusions.push(peak({ name: 'later' }));
    expect(window.recurrence).toBe('FREQ=WEEKLY;BYDAY=SA,SU');
    expect(policy(window).maintenance_exclusion.map((x: any) => x.exclusion_name)).toEqual(['peak']);
  });
});

/** [what, a window GKE accepts] */
const GOOD: Array<[string, MaintenanceWindow]> = [
  ['exactly 48 hours in 32 days: one day of 12 hours', MaintenanceWindow.weekly({ days: [Weekday.SUNDAY], startHourUtc: 0, durationHours: 12 })],
  ['exactly 48 hours in 32 days: three days of 4 hours', MaintenanceWindow.weekly({ days: [Weekday.FRIDAY, Weekday.SATURDAY, Weekday.SUNDAY], startHourUtc: 0, durationHours: 4 })],
  ['an exclusion name of one character', daily(peak({ name: 'x' }))],
  ['an exclusion name of 63 characters', daily(peak({ name: `a${'-'.repeat(61)}z` }))],
  ['a NO_UPGRADES exclusion of exactly 30 days', daily(peak({ startTime: '2026-11-01T00:00:00Z', endTime: '2026-12-01T00:00:00Z' }))],
  ['a NO_UPGRADES exclusion of one second', daily(peak({ startTime: '2026-11-01T00:00:00Z', endTime: '2026-11-01T00:00:01Z' }))],
  ['a NO_MINOR_UPGRADES exclusion of a year', daily(peak({ startTime: '2026-01-01T00:00:00Z', endTime: '2027-01-01T00:00:00Z', scope: MaintenanceExclusionScope.NO_MINOR_UPGRADES }))],
];

describe('MaintenanceWindow accepted', () => {
  test.each(GOOD)('%s', (_what, window) => {
    expect(policy(window).recurring_window.recurrence).toBe(window.recurrence);
  });

  test('exclusions are written as given, NO_UPGRADES unless a scope is given', () => {
    const x = [
      peak({ name: 'x', startTime: '2026-11-01T00:00:00Z', endTime: '2026-12-01T00:00:00Z' }),
      peak({ name: 'year-end', startTime: '2026-12-01T00:00:00Z', endTime: '2027-06-01T00:00:00Z', scope: MaintenanceExclusionScope.NO_MINOR_UPGRADES }),
    ];
    expect(policy(daily(...x)).maintenance_exclusion).toEqual([
      { exclusion_name: 'x', start_time: '2026-11-01T00:00:00Z', end_time: '2026-12-01T00:00:00Z', exclusion_options: { scope: 'NO_UPGRADES' } },
      { exclusion_name: 'year-end', start_time: '2026-12-01T00:00:00Z', end_time: '2027-06-01T00:00:00Z', exclusion_options: { scope: 'NO_MINOR_UPGRADES' } },
    ]);
  });
});

const NAME = 'expected a name of 1 to 63 lowercase letters, digits or hyphens, such as "black-friday"';
const TIME = 'expected a UTC time in RFC 3339, e.g. "2026-11-20T00:00:00Z"';
/** [what, window, the whole error message] */
const BAD: Array<[string, MaintenanceWindow, string]> = [
  ['one day of 11 hours (44 h in 32 days)', MaintenanceWindow.weekly({ days: [Weekday.SUNDAY], startHourUtc: 0, durationHours: 11 }),
    '[stack/Gke] maintenanceWindow.days, maintenanceWindow.durationHours: received 1 day(s) × 11 h a week (44 h in 32 days); GKE requires at least 48 h of maintenance availability in any 32 days: add days or hours'],
  ['two days of 5 hours', MaintenanceWindow.weekly({ days: [Weekday.SATURDAY, Weekday.SUNDAY], startHourUtc: 0, durationHours: 5 }),
    '[stack/Gke] maintenanceWindow.days, maintenanceWindow.durationHours: received 2 day(s) × 5 h a week (40 h in 32 days); GKE requires at least 48 h of maintenance availability in any 32 days: add days or hours'],
  ['an exclusion name with uppercase', daily(peak({ name: 'Peak' })), `[stack/Gke] maintenanceWindow.exclusions[0].name: received "Peak"; ${NAME}`],
  ['an exclusion name ending with a hyphen', daily(peak({ name: 'peak-' })), `[stack/Gke] maintenanceWindow.exclusions[0].name: received "peak-"; ${NAME}`],
  ['an exclusion name starting with a hyphen', daily(peak({ name: '-peak' })), `[stack/Gke] maintenanceWindow.exclusions[0].name: received "-peak"; ${NAME}`],
  ['an exclusion name with an underscore', daily(peak({ name: 'black_friday' })), `[stack/Gke] maintenanceWindow.exclusions[0].name: received "black_friday"; ${NAME}`],
  ['an exclusion name of 64 characters', daily(peak({ name: 'p'.repeat(64) })), `[stack/Gke] maintenanceWindow.exclusions[0].name: received "${'p'.repeat(64)}"; ${NAME}`],
  ['an empty exclusion name', daily(peak({ name: '' })), `[stack/Gke] maintenanceWindow.exclusions[0].name: received ""; ${NAME}`],
  ['an exclusion name that is not a string', daily(peak({ name: 7 as unknown as string })), `[stack/Gke] maintenanceWindow.exclusions[0].name: received 7; ${NAME}`],
  ['the second exclusion\'s name bad', daily(peak(), peak({ name: 'Year End' })), `[stack/Gke] maintenanceWindow.exclusions[1].name: received "Year End"; ${NAME}`],
  ['a start without its time', daily(peak({ startTime: '2026-11-20' })), `[stack/Gke] maintenanceWindow.exclusions[0].startTime: received "2026-11-20"; ${TIME}`],
  ['a start with an offset', daily(peak({ startTime: '2026-11-20T00:00:00+01:00' })), `[stack/Gke] maintenanceWindow.exclusions[0].startTime: received "2026-11-20T00:00:00+01:00"; ${TIME}`],
  ['a start with an extended year', daily(peak({ startTime: '+002026-11-20T00:00:00Z' })), `[stack/Gke] maintenanceWindow.exclusions[0].startTime: received "+002026-11-20T00:00:00Z"; ${TIME}`],
  ['a start with text after it', daily(peak({ startTime: '2026-11-20T00:00:00Z (UTC)' })), `[stack/Gke] maintenanceWindow.exclusions[0].startTime: received "2026-11-20T00:00:00Z (UTC)"; ${TIME}`],
  ['a start on 30 February (JavaScript would read 2 March)', daily(peak({ startTime: '2026-02-30T00:00:00Z' })), `[stack/Gke] maintenanceWindow.exclusions[0].startTime: received "2026-02-30T00:00:00Z"; ${TIME}`],
  ['a start at 24:00 (JavaScript would read the next midnight)', daily(peak({ startTime: '2026-11-20T24:00:00Z' })), `[stack/Gke] maintenanceWindow.exclusions[0].startTime: received "2026-11-20T24:00:00Z"; ${TIME}`],
  ['an end on 29 February of a common year', daily(peak({ endTime: '2027-02-29T00:00:00Z' })), `[stack/Gke] maintenanceWindow.exclusions[0].endTime: received "2027-02-29T00:00:00Z"; ${TIME}`],
  ['a start in month 13', daily(peak({ startTime: '2026-13-01T00:00:00Z' })), `[stack/Gke] maintenanceWindow.exclusions[0].startTime: received "2026-13-01T00:00:00Z"; ${TIME}`],
  ['a start that is not a string', daily(peak({ startTime: 1795132800000 as unknown as string })), `[stack/Gke] maintenanceWindow.exclusions[0].startTime: received 1795132800000; ${TIME}`],
  ['a start that reads as a time but is not a string', daily(peak({ startTime: { toString: () => '2026-11-20T00:00:00Z' } as unknown as string })),
    `[stack/Gke] maintenanceWindow.exclusions[0].startTime: received {}; ${TIME}`],
  ['an end without its time', daily(peak({ endTime: '2026-11-30' })), `[stack/Gke] maintenanceWindow.exclusions[0].endTime: received "2026-11-30"; ${TIME}`],
  ['an end equal to the start', daily(peak({ endTime: '2026-11-20T00:00:00Z' })),
    '[stack/Gke] maintenanceWindow.exclusions[0].endTime: received "2026-11-20T00:00:00Z"; expected a time after startTime 2026-11-20T00:00:00Z'],
  ['a NO_UPGRADES exclusion of 30 days and one second', daily(peak({ startTime: '2026-11-01T00:00:00Z', endTime: '2026-12-01T00:00:01Z' })),
    '[stack/Gke] maintenanceWindow.exclusions[0].endTime: received "2026-12-01T00:00:01Z"; expected at most 30 days after startTime for a NO_UPGRADES exclusion (GKE\'s limit); longer ones hold back minor upgrades only (NO_MINOR_UPGRADES)'],
  ['an explicit NO_UPGRADES exclusion of 31 days', daily(peak({ startTime: '2026-11-01T00:00:00Z', endTime: '2026-12-02T00:00:00Z', scope: MaintenanceExclusionScope.NO_UPGRADES })),
    '[stack/Gke] maintenanceWindow.exclusions[0].endTime: received "2026-12-02T00:00:00Z"; expected at most 30 days after startTime for a NO_UPGRADES exclusion (GKE\'s limit); longer ones hold back minor upgrades only (NO_MINOR_UPGRADES)'],
  ['an unknown scope', daily(peak({ scope: 'NO_PATCHES' as MaintenanceExclusionScope })),
    '[stack/Gke] maintenanceWindow.exclusions[0].scope: received "NO_PATCHES"; expected MaintenanceExclusionScope.NO_UPGRADES, NO_MINOR_UPGRADES or NO_MINOR_OR_NODE_UPGRADES'],
  ['a scope in lowercase', daily(peak({ scope: 'no_upgrades' as MaintenanceExclusionScope })),
    '[stack/Gke] maintenanceWindow.exclusions[0].scope: received "no_upgrades"; expected MaintenanceExclusionScope.NO_UPGRADES, NO_MINOR_UPGRADES or NO_MINOR_OR_NODE_UPGRADES'],
  ['an exclusion name twice', daily(peak(), peak({ startTime: '2026-12-20T00:00:00Z', endTime: '2026-12-30T00:00:00Z' })),
    '[stack/Gke] maintenanceWindow.exclusions[1].name: received "peak"; expected each exclusion name once'],
];

describe('MaintenanceWindow errors are thrown, in full', () => {
  test.each(BAD)('%s', (_what, window, message) => {
    const error = configError(() => policy(window));
    expect(error.message).toBe(message);
  });
});
