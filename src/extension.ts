// activate(): one register call per feature, nothing else.
import type * as vscode from 'vscode';
import { ComparePanel } from './features/compare/comparePanel';
import { DashboardPanel } from './features/dashboard/dashboardPanel';

export function activate(context: vscode.ExtensionContext): void {
  DashboardPanel.register(context);
  ComparePanel.register(context);
}

export function deactivate(): void {}
