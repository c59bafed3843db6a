/**
 * Record-triggered flows as the emulated org runs them: on every save of a record (by the API or
 * by a user), each active flow's start is evaluated the way Flow Builder's Start element
 * describes it, and its Outbound Message action queues a notification, as Salesforce's outbound
 * queue does. Sources: Salesforce Help, "How Entry Conditions Work in Record-Triggered Flows"
 * and "Outbound Message Actions".
 */

export interface FlowCondition {
  readonly field: string;
  readonly operator: 'Equals' | 'Starts With';
  readonly value: string | boolean;
}

export interface RecordTriggeredFlow {
  readonly object: 'Lead' | 'Task';
  /** Configure Trigger: "Trigger the Flow When". */
  readonly trigger:
    | 'A record is created'
    | 'A record is updated'
    | 'A record is created or updated';
  /** Set Entry Conditions with Condition Requirements "All Conditions Are Met (AND)". */
  readonly conditions: readonly FlowCondition[];
  /** "When to Run the Flow for Updated Records". */
  readonly whenToRun:
    | 'Every time a record is updated and meets the condition requirements'
    | 'Only when a record is updated to meet the condition requirements';
  /** The fields the Outbound Message action sends. */
  readonly outboundMessageFields: readonly string[];
}

export interface QueuedNotification {
  readonly type: 'Lead' | 'Task';
  readonly fields: Record<string, string>;
}

type Fields = Readonly<Record<string, string | boolean | null>>;

const holds = (record: Fields, c: FlowCondition) =>
  c.operator === 'Equals'
    ? record[c.field] === c.value
    : String(record[c.field] ?? '').startsWith(String(c.value));

export function createFlowRunner() {
  const active: RecordTriggeredFlow[] = [];
  let outbox: QueuedNotification[] = [];

  function starts(flow: RecordTriggeredFlow, before: Fields | undefined, after: Fields): boolean {
    const meets = (record: Fields) => flow.conditions.every((c) => holds(record, c));
    if (before === undefined) return flow.trigger !== 'A record is updated' && meets(after);
    if (flow.trigger === 'A record is created' || !meets(after)) return false;
    return flow.whenToRun.startsWith('Every time') || !meets(before);
  }

  return {
    activate(flow: RecordTriggeredFlow) {
      active.push(flow);
    },
    /** Runs after a record is saved; `before` is undefined when it was created. */
    saved(object: string, before: Fields | undefined, after: Fields) {
      for (const flow of active) {
        if (flow.object !== object || !starts(flow, before, after)) continue;
        const fields = Object.fromEntries(
          flow.outboundMessageFields.flatMap((f) =>
            after[f] === null || after[f] === undefined ? [] : [[f, String(after[f])]],
          ),
        );
        outbox.push({ type: flow.object, fields });
      }
    },
    /** The notifications Salesforce would send now, in order; the queue is emptied. */
    takeOutbound(): QueuedNotification[] {
      const sent = outbox;
      outbox = [];
      return sent;
    },
  };
}
