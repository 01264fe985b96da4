'use client';
/** Queue membership: add a member to a queue, change a penalty, remove a member (confirmed). */
import { useId, useState, type FormEvent } from 'react';
import { memberInterfaceSchema, memberNameSchema } from '@/lib/actions';
import { usePbx } from '@/lib/store';
import { act } from '@/lib/ui/act';
import { buttonStyles, Dialog, inputStyles } from './Dialog';
import { FormActions, FormField } from './FormField';

function readPenalty(text: string): number | string {
  if (!/^\d{1,4}$/.test(text.trim())) return 'The penalty is a whole number from 0 to 1000';
  const n = Number(text);
  return n > 1000 ? 'The penalty is at most 1000' : n;
}

export function AddMemberDialog({ target, onClose }: { target: { pbx: string; queue: string } | null; onClose: () => void }) {
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      title={target ? `Add a member to ${target.queue}` : 'Add a member'}
      description="A dynamic member: Asterisk keeps it until it is removed (or restarts, unless persistentmembers is on)."
    >
      {target && <AddMemberForm key={`${target.pbx} ${target.queue}`} target={target} onClose={onClose} />}
    </Dialog>
  );
}

function AddMemberForm({ target, onClose }: { target: { pbx: string; queue: string }; onClose: () => void }) {
  const uid = useId();
  const [iface, setIface] = useState('');
  const [name, setName] = useState('');
  const [penalty, setPenalty] = useState('0');
  const [paused, setPaused] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    const i = memberInterfaceSchema.safeParse(iface.trim());
    if (!i.success) found.iface = iface.trim() ? (i.error.issues[0]?.message ?? 'Not an interface') : 'Give the interface, e.g. PJSIP/204';
    const n = name.trim() ? memberNameSchema.safeParse(name.trim()) : null;
    if (n && !n.success) found.name = n.error.issues[0]?.message ?? 'Not a name';
    const p = readPenalty(penalty);
    if (typeof p === 'string') found.penalty = p;
    setErrors(found);
    if (Object.keys(found).length || !i.success || typeof p === 'string') return;
    onClose();
    void act(
      {
        type: 'queue-add',
        pbx: target.pbx,
        queue: target.queue,
        interface: i.data,
        ...(n?.success ? { name: n.data } : {}),
        penalty: p,
        ...(paused ? { paused: true } : {}),
      },
      { pending: `Adding ${n?.data ?? i.data} to ${target.queue}…`, done: 'Member added', failed: 'Add failed' },
    );
  };

  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      <FormField id={`${uid}-iface`} label="Interface" hint="The device, e.g. PJSIP/204" error={errors.iface ?? ''}>
        <input
          id={`${uid}-iface`}
          value={iface}
          onChange={(e) => setIface(e.target.value)}
          autoComplete="off"
          aria-invalid={errors.iface ? true : undefined}
          aria-describedby={`${uid}-iface-hint`}
          className={`${inputStyles} mt-1.5`}
          data-autofocus
        />
      </FormField>
      <FormField id={`${uid}-name`} label="Name" hint="Shown on the agent’s card; optional" error={errors.name ?? ''}>
        <input
          id={`${uid}-name`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={`${uid}-name-hint`}
          className={`${inputStyles} mt-1.5`}
        />
      </FormField>
      <FormField id={`${uid}-penalty`} label="Penalty" hint="Lower penalties are rung first" error={errors.penalty ?? ''}>
        <input
          id={`${uid}-penalty`}
          value={penalty}
          onChange={(e) => setPenalty(e.target.value)}
          inputMode="numeric"
          aria-invalid={errors.penalty ? true : undefined}
          aria-describedby={`${uid}-penalty-hint`}
          className={`${inputStyles} mt-1.5 w-28`}
        />
      </FormField>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} className="size-4" />
        Start paused
      </label>
      <FormActions onCancel={onClose} submit="Add member" />
    </form>
  );
}

export interface MemberTarget {
  pbx: string;
  interface: string;
  name: string;
}

export function PenaltyDialog({ target, onClose }: { target: MemberTarget | null; onClose: () => void }) {
  return (
    <Dialog open={target !== null} onClose={onClose} title={target ? `Penalty of ${target.name}` : 'Penalty'}>
      {target && <PenaltyForm key={`${target.pbx} ${target.interface}`} target={target} onClose={onClose} />}
    </Dialog>
  );
}

function PenaltyForm({ target, onClose }: { target: MemberTarget; onClose: () => void }) {
  const uid = useId();
  const memberships = usePbx((s) => s.boards.find((b) => b.id === target.pbx)?.state.members);
  const queues = Object.values(memberships ?? {})
    .filter((m) => m.interface === target.interface)
    .sort((a, b) => a.queue.localeCompare(b.queue));
  const [queue, setQueue] = useState(queues[0]?.queue ?? '');
  const [penalty, setPenalty] = useState(String(queues[0]?.penalty ?? 0));
  const [error, setError] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = readPenalty(penalty);
    if (typeof p === 'string') return setError(p);
    onClose();
    void act(
      { type: 'queue-penalty', pbx: target.pbx, interface: target.interface, penalty: p, ...(queue ? { queue } : {}) },
      { pending: `Setting ${target.name}’s penalty to ${p}…`, done: 'Penalty changed', failed: 'Penalty change failed' },
    );
  };

  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      <div>
        <label htmlFor={`${uid}-queue`} className="block text-sm font-medium">
          Queue
        </label>
        <select
          id={`${uid}-queue`}
          value={queue}
          onChange={(e) => {
            setQueue(e.target.value);
            const m = queues.find((x) => x.queue === e.target.value);
            if (m) setPenalty(String(m.penalty));
          }}
          className={`${inputStyles} mt-1.5`}
        >
          {queues.map((m) => (
            <option key={m.queue} value={m.queue}>
              {m.queue} (now {m.penalty})
            </option>
          ))}
          {queues.length > 1 && <option value="">Every queue</option>}
        </select>
      </div>
      <FormField id={`${uid}-penalty`} label="Penalty" hint="Lower penalties are rung first" error={error}>
        <input
          id={`${uid}-penalty`}
          value={penalty}
          onChange={(e) => setPenalty(e.target.value)}
          inputMode="numeric"
          aria-invalid={error ? true : undefined}
          aria-describedby={`${uid}-penalty-hint`}
          className={`${inputStyles} mt-1.5 w-28`}
          data-autofocus
        />
      </FormField>
      <FormActions onCancel={onClose} submit="Set penalty" />
    </form>
  );
}

export function RemoveMemberDialog({ target, onClose }: { target: (MemberTarget & { queue: string }) | null; onClose: () => void }) {
  const confirm = () => {
    if (!target) return;
    onClose();
    void act(
      { type: 'queue-remove', pbx: target.pbx, queue: target.queue, interface: target.interface },
      { pending: `Removing ${target.name} from ${target.queue}…`, done: 'Member removed', failed: 'Remove failed' },
    );
  };
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      title={target ? `Remove ${target.name} from ${target.queue}?` : 'Remove member?'}
      description="The agent stops receiving this queue’s calls. Asterisk refuses it for a member of queues.conf (a static member)."
    >
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonStyles.secondary} onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="button" className={buttonStyles.danger} onClick={confirm} data-testid="confirm-remove">
          Remove
        </button>
      </div>
    </Dialog>
  );
}
