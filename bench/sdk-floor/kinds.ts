/** The kinds of Temporal task the SDK floor bench asks for. */
export type TaskKind = 'activity' | 'local' | 'timer';

export interface FloorActivities {
  echo(i: number): Promise<number>;
}

export const FLOOR_QUEUE = 'sdk-floor';
