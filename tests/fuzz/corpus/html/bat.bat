@echo off
rem golden test dummy
set MSG=golden test
echo %MSG%
