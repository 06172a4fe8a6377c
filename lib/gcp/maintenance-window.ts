import { ContainerClusterMaintenancePolicy } from '@cdktf/provider-google/lib/container-cluster';
import { Construct } from 'constructs';
import { CockroachConfigError } from '../shared/errors';
import { checkInteger, reject } from '../shared/validate';

/** Days of the week, as RFC 5545 writes them in a recurrence rule. */
export enum Weekday {
  /** Monday (`BYDAY=MO` in the recurrence rule). */
  MONDAY = 'MO',
  /** Tuesday (`BYDAY=TU` in the recurrence rule). */
  TUESDAY = 'TU',
  /** Wednesday (`BYDAY=WE` in the recurrence rule). */
  WEDNESDAY = 'WE',
  /** Thursday (`BYDAY=TH` in the recurrence rule). */
  THURSDAY = 'TH',
  /** Friday (`BYDAY=FR` in the recurrence rule). */
  FRIDAY = 'FR',
  /** Saturday (`BYDAY=SA` in the recurrence rule). */
  SATURDAY = 'SA',
  /** Sunday (`BYDAY=SU` in the recurrence rule). */
  SUNDAY = 'SU',
}

/** What a maintenance exclusion holds back. */
export enum MaintenanceExclusionScope {
  /** No upgrades at all (at most 30 days). */
  NO_UPGRADES = 'NO_UPGRADES',
  /** Patch upgrades only, no minor version upgrades. */
  NO_MINOR_UPGRADES = 'NO_MINOR_UPGRADES',
  /** No minor version upgrades and no node upgrades. */
  NO_MINOR_OR_NODE_UPGRADES = 'NO_MINOR_OR_NODE_UPGRADES',
}

/** A period in which GKE does not upgrade the cluster (e.g. a sales peak). */
export interface MaintenanceExclusion {
  /** A name for it, e.g. `black-friday`. */
  readonly name: string;
  /** Start, UTC, RFC 3339: `2026-11-20T00:00:00Z`. */
  readonly startTime: string;
  /** End, UTC, RFC 3339, after the start. */
  readonly endTime: string;
  /**
   * What is held back.
   * @default MaintenanceExclusionScope.NO_UPGRADES
   */
  readonly scope?: MaintenanceExclusionScope;
}

/** Options of a weekly maintenance window. */
export interface WeeklyMaintenanceWindowOptions {
  /** The days of the window. */
  readonly days: Weekday[];
  /** Hour of the day the window opens, UTC (0–23). */
  readonly startHourUtc: number;
  /** Length of each window in hours (4–24: GKE wants at least 4 contiguous hours). */
  readonly durationHours: number;
  /**
   * Periods without upgrades.
   * @default - none
   */
  readonly exclusions?: MaintenanceExclusion[];
}

/** Options of a daily maintenance window. */
export interface DailyMaintenanceWindowOptions {
  /** Hour of the day the window opens, UTC (0–23). */
  readonly startHourUtc: number;
  /** Length of each window in hours (4–24). */
  readonly durationHours: number;
  /**
   * Periods without upgrades.
   * @default - none
   */
  readonly exclusions?: MaintenanceExclusion[];
}

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * A time of the calendar: JavaScript's parser takes 30 February for 2 March and 24:00 for the next
 * midnight, which the API refuses; a time that reads back the same is one.
 */
function isCalendarTime(time: string): boolean {
  const ms = Date.parse(time);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === `${time.slice(0, -1)}.000Z`;
}
/** GKE: at least 48 hours of maintenance availability in any 32 days, which hold 4 of every weekday. */
const MIN_HOURS_PER_32_DAYS = 48;
const MAX_NO_UPGRADES_DAYS = 30;
const HOURS_PER_WEEK = 7 * 24;
/** A Monday: the recurring window's first occurrence is anchored in the past, the weekday does not matter. */
const ANCHOR = Date.UTC(2024, 0, 1);

/**
 * When GKE may upgrade and repair the cluster (a recurring window, in UTC) and when it may not
 * (exclusions). Node upgrades restart CockroachDB pods one at a time; a window keeps them off business
 * hours.
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions
 */
export class MaintenanceWindow {
  /** The default: Saturday and Sunday, 03:00–11:00 UTC. */
  public static readonly WEEKENDS = MaintenanceWindow.weekly({ days: [Weekday.SATURDAY, Weekday.SUNDAY], startHourUtc: 3, durationHours: 8 });

  /** A window on some days of every week. */
  public static weekly(options: WeeklyMaintenanceWindowOptions): MaintenanceWindow {
    return new MaintenanceWindow([...options.days], options.startHourUtc, options.durationHours, [...(options.exclusions ?? [])]);
  }

  /** A window every day. */
  public static daily(options: DailyMaintenanceWindowOptions): MaintenanceWindow {
    return new MaintenanceWindow(undefined, options.startHourUtc, options.durationHours, [...(options.exclusions ?? [])]);
  }

  private constructor(
    private readonly days: Weekday[] | undefined,
    /** Hour the window opens, UTC. */
    public readonly startHourUtc: number,
    /** Hours per window. */
    public readonly durationHours: number,
    private readonly exclusions: MaintenanceExclusion[],
  ) {}

  /** The days the window opens on: every day for a daily window. */
  public get weekdays(): Weekday[] {
    return [...(this.days ?? Object.values(Weekday))];
  }

  /**
   * The hours of the week the window is open, in UTC, counted from Monday 00:00 (0 to 167): a window that
   * runs past Sunday midnight goes on at Monday's first hours. Two windows that share no hour never let
   * GKE maintain both clusters at the same time.
   */
  public get weekHours(): number[] {
    const all = Object.values(Weekday);
    const hours = new Set<number>();
    for (const day of this.weekdays) {
      const start = all.indexOf(day) * 24 + this.startHourUtc;
      for (let h = 0; h < this.durationHours; h++) hours.add((start + h) % HOURS_PER_WEEK);
    }
    return [...hours].sort((a, b) => a - b);
  }

  /** The RFC 5545 recurrence rule: `FREQ=WEEKLY;BYDAY=SA,SU` or `FREQ=DAILY`. */
  public get recurrence(): string {
    return this.days ? `FREQ=WEEKLY;BYDAY=${this.days.join(',')}` : 'FREQ=DAILY';
  }

  /** @internal Validates it; `prop` is the prop holding it. */
  public _validate(scope: Construct, prop: string): void {
    checkInteger(scope, `${prop}.startHourUtc`, this.startHourUtc, 0, 23);
    checkInteger(scope, `${prop}.durationHours`, this.durationHours, 4, 24);
    if (this.days) {
      const all = Object.values(Weekday) as string[];
      this.days.forEach((day, i) => {
        if (!all.includes(day)) reject(scope, `${prop}.days[${i}]`, day, 'expected a Weekday (MONDAY … SUNDAY)');
      });
      if (this.days.length === 0 || new Set(this.days).size !== this.days.length) {
        reject(scope, `${prop}.days`, this.days, 'expected one or more distinct weekdays');
      }
      const hours = 4 * this.days.length * this.durationHours;
      if (hours < MIN_HOURS_PER_32_DAYS) {
        throw new CockroachConfigError(scope, `${prop}.days, ${prop}.durationHours`,
          `received ${this.days.length} day(s) × ${this.durationHours} h a week (${hours} h in 32 days); GKE requires at least ${MIN_HOURS_PER_32_DAYS} h of maintenance availability in any 32 days: add days or hours`);
      }
    }
    const names = new Set<string>();
    this.exclusions.forEach((x, i) => {
      const p = `${prop}.exclusions[${i}]`;
      if (typeof x.name !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(x.name)) {
        reject(scope, `${p}.name`, x.name, 'expected a name of 1 to 63 lowercase letters, digits or hyphens, such as "black-friday"');
      }
      if (names.has(x.name)) reject(scope, `${p}.name`, x.name, 'expected each exclusion name once');
      names.add(x.name);
      for (const key of ['startTime', 'endTime'] as const) {
        if (typeof x[key] !== 'string' || !RFC3339_UTC.test(x[key]) || !isCalendarTime(x[key])) {
          reject(scope, `${p}.${key}`, x[key], 'expected a UTC time in RFC 3339, e.g. "2026-11-20T00:00:00Z"');
        }
      }
      const days = (Date.parse(x.endTime) - Date.parse(x.startTime)) / 86_400_000;
      if (days <= 0) reject(scope, `${p}.endTime`, x.endTime, `expected a time after startTime ${x.startTime}`);
      const exclusionScope = x.scope ?? MaintenanceExclusionScope.NO_UPGRADES;
      if (!Object.values(MaintenanceExclusionScope).includes(exclusionScope)) {
        reject(scope, `${p}.scope`, exclusionScope, 'expected MaintenanceExclusionScope.NO_UPGRADES, NO_MINOR_UPGRADES or NO_MINOR_OR_NODE_UPGRADES');
      }
      if (exclusionScope === MaintenanceExclusionScope.NO_UPGRADES && days > MAX_NO_UPGRADES_DAYS) {
        reject(scope, `${p}.endTime`, x.endTime, `expected at most ${MAX_NO_UPGRADES_DAYS} days after startTime for a NO_UPGRADES exclusion (GKE's limit); longer ones hold back minor upgrades only (NO_MINOR_UPGRADES)`);
      }
    });
  }

  /** @internal The cluster's `maintenance_policy`. */
  public _render(): ContainerClusterMaintenancePolicy {
    const start = ANCHOR + this.startHourUtc * 3_600_000;
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    return {
      recurringWindow: { startTime: iso(start), endTime: iso(start + this.durationHours * 3_600_000), recurrence: this.recurrence },
      maintenanceExclusion: this.exclusions.length === 0 ? undefined : this.exclusions.map((x) => ({
        exclusionName: x.name,
        startTime: x.startTime,
        endTime: x.endTime,
        exclusionOptions: { scope: x.scope ?? MaintenanceExclusionScope.NO_UPGRADES },
      })),
    };
  }
}
