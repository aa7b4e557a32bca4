@echo off
rem Start one jiaohao app full screen at log-on and restart it if it exits.
rem Put a shortcut to this file in the auto-login user's start-up folder (Win+R,
rem shell:startup); see docs\deployment.md. Set the app below; its station file is
rem C:\jiaohao\<app>.toml (hub address, device id, token, printer or serial ports).
set JIAOHAO_APP=kiosk
set JIAOHAO_HOME=C:\jiaohao
:again
"%JIAOHAO_HOME%\venv\Scripts\jiaohao.exe" %JIAOHAO_APP% --station "%JIAOHAO_HOME%\%JIAOHAO_APP%.toml" --fullscreen
timeout /t 3 /nobreak >nul
goto again
