@echo off
rem `cco` for installs of the CCO desktop app on Windows: runs the CLI bundled in the app with
rem the app's own Electron binary acting as Node (ELECTRON_RUN_AS_NODE=1), so no separate
rem Node.js is needed.
rem
rem Assumptions about the packaged layout (electron-builder; adjust here if packaging changes):
rem   - this script ships as an extra resource: <install dir>\resources\bin\cco.cmd, and the
rem     installer adds <install dir>\resources\bin to PATH (a .cmd reached through a symlink
rem     would see the link's folder in %%~dp0, so PATH, not links, is the supported way);
rem   - the app binary is <install dir>\CCO.exe (CCO_ELECTRON_PATH overrides it);
rem   - the CLI is resources\app\bin\cco.js (packed without an asar archive, see
rem     electron-builder.yml).
rem Ctrl-C may still make cmd.exe ask "Terminate batch job (Y/N)?" after cco has exited;
rem that is cmd.exe's behaviour for any .cmd file.
setlocal
set "CCO_RESOURCES=%~dp0.."
set "CCO_APP_EXE=%CCO_ELECTRON_PATH%"
if not defined CCO_APP_EXE set "CCO_APP_EXE=%CCO_RESOURCES%\..\CCO.exe"
rem goto, not a ( ) block: a path like "Program Files (x86)" would end the block early.
if exist "%CCO_APP_EXE%" goto found
echo Error: the CCO app binary was not found: %CCO_APP_EXE% 1>&2
echo Reinstall the CCO app, or set CCO_ELECTRON_PATH to its executable. 1>&2
exit /b 127
:found
set "CCO_CLI=%CCO_RESOURCES%\app\bin\cco.js"
set "ELECTRON_RUN_AS_NODE=1"
"%CCO_APP_EXE%" "%CCO_CLI%" %*
exit /b %ERRORLEVEL%
