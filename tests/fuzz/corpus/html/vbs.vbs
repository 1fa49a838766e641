' golden test dummy: only shows a message
Dim sh
Set sh = CreateObject("WScript.Shell")
sh.Popup "golden test"
