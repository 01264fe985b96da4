'use client';
import { AgentGrid } from './AgentGrid';
import { BoardFrame } from './BoardFrame';
import { CallsPanel } from './CallsPanel';
import { ParkedPanel } from './ParkedPanel';
import { QueueCards } from './QueueCards';
import { StatStrip } from './StatStrip';

export function Dashboard() {
  return (
    // From xl up the page is one screen: the calls panel takes the height the counts, queues and agents leave it
    // (never more than its rows need), and scrolls inside. Below xl the page scrolls as usual.
    <BoardFrame heading="Live calls" title="Callboard" fitScreen>
      <StatStrip />
      <div className="grid gap-4 xl:min-h-64 xl:flex-[0_1_auto] xl:grid-cols-[minmax(0,1fr)_22rem] xl:grid-rows-[minmax(0,1fr)] xl:items-start">
        <CallsPanel />
        <div className="flex min-h-0 min-w-0 flex-col gap-4 xl:max-h-full xl:overflow-y-auto">
          <ParkedPanel />
          <QueueCards />
        </div>
      </div>
      <AgentGrid />
    </BoardFrame>
  );
}
