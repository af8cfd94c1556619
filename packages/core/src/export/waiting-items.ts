/**
 * Items the export pipeline holds back until what they wait for is over (a span of a request
 * that is still running: stage-after-request.ts), grouped by that. Each item is looked at once
 * when it is set aside and once when its group goes back, however long it waits, so many spans
 * of one long request cost no repeated scans.
 */
export class WaitingItems<T> {
  /** Groups in the order they were first set aside: the oldest item of each comes first. */
  private readonly groups = new Map<object, T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(key: object, item: T): void {
    const group = this.groups.get(key);
    if (group === undefined) this.groups.set(key, [item]);
    else group.push(item);
    this.count++;
  }

  /** Takes the items waiting for `key`, or undefined when none are. */
  release(key: object): T[] | undefined {
    const group = this.groups.get(key);
    if (group === undefined) return undefined;
    this.groups.delete(key);
    this.count -= group.length;
    return group;
  }

  /** Takes the groups `done` holds for (given each group's oldest item), oldest group first. */
  releaseWhere(done: (key: object, oldest: T) => boolean, into: (item: T) => void): void {
    for (const [key, group] of this.groups) {
      if (!done(key, group[0] as T)) continue;
      this.groups.delete(key);
      this.count -= group.length;
      for (const item of group) into(item);
    }
  }

  /** Takes every waiting item, oldest group first. */
  releaseAll(into: (item: T) => void): void {
    this.releaseWhere(() => true, into);
  }
}
