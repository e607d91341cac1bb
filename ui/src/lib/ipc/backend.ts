import type {
  CreateFamily, DataLocation, PlatformChoice, FamilyAction, FamilyStatus, Goal, JoinFamily, SharePreview, GoalId, IpcError, MismatchReport, NewGoal, PauseRequest, RatingInput,
  Report, RuleDraft, RuleExplanation, RuleTrial, Settings, SetupReport, TodayView, TrackingState, ViewPeriod,
} from './types';

/**
 * Everything the UI can ask of the desktop shell. Views receive a `Backend` and never call
 * `invoke` themselves: the Tauri implementation is in `tauri.ts`, the fixture-driven mock
 * for tests in `mock.ts`. Every method rejects with an {@link IpcError}.
 */
export interface Backend {
  todayView(): Promise<TodayView>;
  mismatch(period: ViewPeriod, date?: string): Promise<MismatchReport>;
  report(from: string, to: string): Promise<Report>;
  goals(): Promise<Goal[]>;
  addGoal(goal: NewGoal): Promise<Goal>;
  editGoal(id: GoalId, goal: NewGoal): Promise<Goal>;
  removeGoal(id: GoalId): Promise<void>;
  setGoalPaused(id: GoalId, paused: boolean): Promise<Goal>;
  settings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<Settings>;
  autostart(): Promise<boolean>;
  setAutostart(enabled: boolean): Promise<boolean>;
  rate(rating: RatingInput): Promise<void>;
  tracking(): Promise<TrackingState>;
  pauseTracking(request: PauseRequest): Promise<TrackingState>;
  resumeTracking(): Promise<TrackingState>;
  /** Shows the demo (brought up to now), whatever the user's own store holds. */
  loadDemo(): Promise<void>;
  /** Leaves the demo: the user's own data is shown again. */
  showOwnData(): Promise<void>;
  /**
   * Calls `listener` whenever the data shown may have changed: the tracker wrote, another
   * `mast` process did, tracking was paused or resumed, the demo was switched. Resolves to
   * the function that stops listening.
   */
  onDataChanged(listener: () => void): Promise<() => void>;
  dataLocation(): Promise<DataLocation>;
  /** Every platform for the goal forms' picker, the most used lately first. */
  platformChoices(): Promise<PlatformChoice[]>;
  /** Installs and enables Mast's GNOME Shell extension (`mast setup gnome`). */
  setupGnome(): Promise<SetupReport>;
  previewRule(app: string, title: string): Promise<RuleExplanation>;
  /** Which of the last days' windows a platform rule being written would match. */
  tryRule(rule: RuleDraft): Promise<RuleTrial>;
  /** Adds a platform rule to the user's rules file; history is reclassified with it. */
  saveRule(rule: RuleDraft): Promise<void>;
  /** Tells the shell a view has painted with its data (it logs the start-up time once). */
  viewPainted(): Promise<void>;
  /** This device's family after its last sync; `null` when the device is in no family. */
  familyStatus(): Promise<FamilyStatus | null>;
  /** Sets up a new family in a folder, with this device as its creator and organiser. */
  familyCreate(setup: CreateFamily): Promise<FamilyStatus>;
  /** Adds this device to the family whose folder the sync tool already brought here. */
  familyJoin(setup: JoinFamily): Promise<FamilyStatus>;
  /** Reads the family folder now and publishes this device's adherence. */
  familySync(): Promise<FamilyStatus>;
  /** A change to the shared goals (organisers), a proposal (anyone), or the organisers (the creator). */
  familyAct(action: FamilyAction): Promise<FamilyStatus>;
  /** Exactly what this device shares with the family, before it is encrypted. */
  familyPreview(): Promise<SharePreview>;
  /** Stops sharing: removes this device's files from the folder and the shared goals from this device. */
  familyLeave(): Promise<void>;
}

/** Any rejection as an {@link IpcError}: the shell sends `{code, message}`, but a plugin or
 * a broken bridge may reject with a string or an `Error`. */
export function toIpcError(e: unknown): IpcError {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as { code?: unknown; message: unknown };
    return { code: typeof o.code === 'string' ? o.code : 'unknown', message: String(o.message) };
  }
  return { code: 'unknown', message: typeof e === 'string' ? e : 'Something went wrong talking to Mast.' };
}

export function isIpcError(e: unknown): e is IpcError {
  return !!e && typeof e === 'object' && typeof (e as IpcError).code === 'string' && typeof (e as IpcError).message === 'string';
}
