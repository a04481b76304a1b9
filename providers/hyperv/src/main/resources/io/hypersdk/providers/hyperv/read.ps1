# Bytes [offset, offset+length) of a disk file as lines of base64, each line decoded on its own (a short read
# leaves no padding in the middle of a line). The file is opened for reading only, shared with Hyper-V.
$f = [IO.File]::Open($p.path, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]::ReadWrite)
try {
[void]$f.Seek([long]$p.offset, [IO.SeekOrigin]::Begin)
$buf = New-Object byte[] 196608
$left = [long]$p.length
while ($left -gt 0) {
$n = $f.Read($buf, 0, [int][Math]::Min([long]$buf.Length, $left))
if ($n -le 0) { Fail 'Short' ("" + $p.path + " ended " + $left + " bytes before the range did") }
[Console]::Out.Write([Convert]::ToBase64String($buf, 0, $n) + "`n")
$left -= $n
}
} finally { $f.Close() }
