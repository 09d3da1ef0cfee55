import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { Logger } from '../../common/logger.js';
import { IpcRefused, type IpcRouter, type IpcSender } from '../ipc-validate.js';
import type { ElectronWindows } from './windows.js';

function senderOf(event: IpcMainInvokeEvent, windows: ElectronWindows): IpcSender {
  const frame = event.senderFrame;
  return {
    frameUrl: frame?.url ?? '',
    ownWindow: windows.owns(event.sender),
    // The top frame has no parent. (Comparing with event.sender.mainFrame would rely on Electron
    // handing out the same wrapper object for a frame each time.)
    mainFrame: frame !== null && frame.parent === null,
  };
}

/** One ipcMain handler per bridge call; every call goes through the router's checks first. */
export function registerIpc(router: IpcRouter, windows: ElectronWindows, logger: Logger): void {
  for (const channel of router.channels) {
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      try {
        return await router.dispatch(channel, senderOf(event, windows), args);
      } catch (error) {
        if (error instanceof IpcRefused) logger.warn(`IPC ${error.message}`);
        throw error;
      }
    });
  }
}
