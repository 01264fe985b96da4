'use client';
/** Every action dialog, rendered once at the page's root; lib/ui/dialogs says which one is open. */
import { closeDialog, useDialog, type OpenDialog } from '@/lib/ui/dialogs';
import { AgentPanel } from './AgentPanel';
import { DestinationDialog } from './DestinationDialog';
import { HangupDialog } from './HangupDialog';
import { AddMemberDialog, PenaltyDialog, RemoveMemberDialog } from './MemberDialogs';
import { OriginateDialog } from './OriginateDialog';
import { PauseDialog } from './PauseDialog';

type Of<K extends OpenDialog['kind']> = Extract<OpenDialog, { kind: K }>;
const only = <K extends OpenDialog['kind']>(open: OpenDialog | null, ...kinds: K[]): Of<K> | null =>
  open !== null && (kinds as string[]).includes(open.kind) ? (open as Of<K>) : null;

export function ActionDialogs() {
  const open = useDialog((s) => s.open);
  return (
    <>
      <HangupDialog target={only(open, 'hangup')} onClose={closeDialog} />
      <DestinationDialog target={only(open, 'transfer', 'redirect')} onClose={closeDialog} />
      <PauseDialog target={only(open, 'pause')} onClose={closeDialog} />
      <PenaltyDialog target={only(open, 'penalty')} onClose={closeDialog} />
      <RemoveMemberDialog target={only(open, 'remove')} onClose={closeDialog} />
      <AddMemberDialog target={only(open, 'add-member')} onClose={closeDialog} />
      <AgentPanel target={only(open, 'agent')} onClose={closeDialog} />
      <OriginateDialog open={open?.kind === 'originate'} to={only(open, 'originate')?.to} onClose={closeDialog} />
    </>
  );
}
