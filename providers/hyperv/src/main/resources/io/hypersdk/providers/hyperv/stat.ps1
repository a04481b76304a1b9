# Size and last write time of a disk file, for the chunked copy over WinRM.
$f = Get-Item -LiteralPath $p.path
Out-Result ([ordered]@{ Path = $p.path; Length = $f.Length; LastWriteTimeUtc = $f.LastWriteTimeUtc.ToString('o') })
