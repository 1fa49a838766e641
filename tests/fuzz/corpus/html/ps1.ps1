# golden test dummy: downloads nothing (example.invalid)
$wc = New-Object System.Net.WebClient
$s = $wc.DownloadString('https://example.invalid/readme.txt')
Write-Host $s
