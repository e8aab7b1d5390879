// activate(): one register call per feature, nothing else.
import type * as vscode from 'vscode';
import { ComparePanel } from './features/compare/comparePanel';
import { DashboardPanel } from './features/dashboard/dashboardPanel';
import { PreviewPanel } from './features/preview/previewPanel';
import { TranscriptsPanel } from './features/transcripts/transcriptsPanel';

export function activate(context: vscode.ExtensionContext): void {
  DashboardPanel.register(context);
  PreviewPanel.register(context);
  ComparePanel.register(context);
  TranscriptsPanel.register(context);
}

export function deactivate(): void {}
