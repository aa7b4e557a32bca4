@echo off
rem Start one jiaohao app at log-on and restart it if it exits.
rem Copy to shell:startup (see docs\deployment.md) and edit the four values below.
set JIAOHAO_APP=display
set JIAOHAO_HUB=ws://192.0.2.10:8765
set JIAOHAO_DEVICE=display-1
set JIAOHAO_TOKEN=change-me
:again
"%~dp0..\..\.venv\Scripts\jiaohao.exe" %JIAOHAO_APP% --hub %JIAOHAO_HUB% --device %JIAOHAO_DEVICE% --token %JIAOHAO_TOKEN%
timeout /t 3 /nobreak >nul
goto again
