<#
.SYNOPSIS
    Start the kiosk and start it again whenever it exits (the scheduled task's action).
    UNTESTED on Windows (see README.md). Task Scheduler's own "restart on failure" only covers a
    task that fails to start, not a program that exits, hence this loop.
#>
param([string] $Mode = 'kiosk')

$exe = Join-Path $PSScriptRoot 'kiosk.exe'
while ($true) {
    $process = Start-Process -FilePath $exe -ArgumentList @('--mode', $Mode) -PassThru -Wait
    # A crash loop (a broken configuration) retries every 5 seconds; `kiosk doctor` says why.
    try {
        Write-EventLog -LogName Application -Source 'cccd-kiosk' -EventId 1 -EntryType Warning `
            -Message "kiosk exited with status $($process.ExitCode); restarting"
    } catch {
        # The event source is registered by an administrator (README.md); without it, no entry.
    }
    Start-Sleep -Seconds 5
}
