<#
.SYNOPSIS
    Install the cccd-kiosk bundle on a Windows kiosk PC: the safe, reversible parts.

.DESCRIPTION
    UNTESTED: written from Microsoft's documentation on a Linux machine without Windows or
    PowerShell; try it on one PC (with -WhatIf first) before a rollout. See README.md here.

    What it does (each step says what it did):
      1. The Smart Card service (SCardSvr): startup type Automatic, started now.
      2. Copies the PyInstaller folder to "C:\Program Files\cccd-kiosk" (replacing an older
         copy) and warns when kiosk.exe has no valid Authenticode signature.
      3. Creates C:\ProgramData\cccd-kiosk (the data folder: outbox, keys, logs) readable only by
         SYSTEM, Administrators and the kiosk account, puts the default kiosk.toml there unless
         one exists, and sets the machine variable CCCD_KIOSK_CONFIG to it.
      4. With -KioskUser: a scheduled task that starts the kiosk at that user's logon through
         run-kiosk.ps1, which starts it again whenever it exits.
      5. With -ShellLauncher (Enterprise, Education, IoT Enterprise only): the kiosk replaces
         Explorer as that user's shell (Shell Launcher v2); Shell Launcher restarts it when it
         exits. Other accounts (the administrators) keep Explorer.

    What it does NOT do: create the account, set its password or automatic logon (use
    Sysinternals Autologon, which keeps the password as an LSA secret, not in the registry),
    install reader drivers, set up printers, or enrol the kiosk (`kiosk enroll`).

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File install-kiosk.ps1 -Bundle .\dist\cccd-kiosk -WhatIf
    powershell -ExecutionPolicy Bypass -File install-kiosk.ps1 -Bundle .\dist\cccd-kiosk -KioskUser kiosk
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)] [string] $Bundle,
    [string] $InstallDir = (Join-Path $env:ProgramFiles 'cccd-kiosk'),
    [string] $DataDir = (Join-Path $env:ProgramData 'cccd-kiosk'),
    [string] $KioskUser = '',
    [string] $Mode = 'kiosk',
    [switch] $ShellLauncher
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Step([string] $Message) { Write-Host "== $Message" }

$principal = New-Object Security.Principal.WindowsPrincipal(
    [Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    throw 'Run this script as an administrator.'
}
if (-not (Test-Path (Join-Path $Bundle 'kiosk.exe'))) {
    throw "Bundle ${Bundle}: no kiosk.exe (build it with packaging/build_bundle first)."
}
if ($Mode -notin @('kiosk', 'counter', 'clinic')) { throw "Mode must be kiosk, counter or clinic." }
if ($ShellLauncher -and -not $KioskUser) { throw '-ShellLauncher needs -KioskUser.' }

# 1. The Smart Card service. Its default startup type is Manual (demand, trigger-started when a
#    reader appears); a kiosk wants it running before the application asks for readers.
Step 'Smart Card service (SCardSvr): Automatic, started'
if ($PSCmdlet.ShouldProcess('SCardSvr', 'Set startup type Automatic and start')) {
    Set-Service -Name SCardSvr -StartupType Automatic
    Start-Service -Name SCardSvr
}

# 2. The application folder.
Step "Application: $InstallDir"
if ($PSCmdlet.ShouldProcess($InstallDir, "Copy $Bundle")) {
    if (Test-Path $InstallDir) { Remove-Item -Recurse -Force $InstallDir }
    Copy-Item -Recurse -Path $Bundle -Destination $InstallDir
    Copy-Item -Path (Join-Path $PSScriptRoot 'run-kiosk.ps1') -Destination $InstallDir
}
$exe = Join-Path $InstallDir 'kiosk.exe'
if (Test-Path $exe) {
    $signature = Get-AuthenticodeSignature -FilePath $exe
    if ($signature.Status -ne 'Valid') {
        Write-Warning ("kiosk.exe is not validly signed ($($signature.Status)): SmartScreen " +
            'and application control (WDAC/AppLocker) may block it. Sign the release build.')
    }
}

# 3. The data folder, its permissions, and the configuration.
Step "Data and configuration: $DataDir"
if ($PSCmdlet.ShouldProcess($DataDir, 'Create, restrict, write the default kiosk.toml')) {
    New-Item -ItemType Directory -Force -Path $DataDir | Out-Null
    # Drop inherited ACEs (Users may read ProgramData); full control for the owners only.
    $grants = @('*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F')   # SYSTEM, Administrators
    if ($KioskUser) { $grants += "${KioskUser}:(OI)(CI)M" }
    & icacls.exe $DataDir /inheritance:r /grant:r @grants | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls failed on $DataDir" }
    $config = Join-Path $DataDir 'kiosk.toml'
    if (-not (Test-Path $config)) {
        $dataToml = $DataDir -replace '\\', '/'
        @(
            '# cccd-kiosk site configuration (see "kiosk config show --defaults" for every key).',
            "data_dir = `"$dataToml`"",
            '',
            '[keys]',
            '# Windows Credential Manager of the kiosk account holds the outbox keys.',
            'use_keyring = true',
            '',
            '[trust]',
            "store = `"$dataToml/trust`"",
            '',
            '[ui]',
            "mode = `"$Mode`"",
            'language = "vi"'
        ) | Set-Content -Encoding UTF8 -Path $config
    } else {
        Write-Host "   kept the existing $config"
    }
    [Environment]::SetEnvironmentVariable('CCCD_KIOSK_CONFIG', $config, 'Machine')
}

# 4. Start at the kiosk user's logon, restarted when it exits (run-kiosk.ps1 loops).
if ($KioskUser -and -not $ShellLauncher) {
    Step "Auto-start at $KioskUser's logon (scheduled task 'cccd-kiosk')"
    if ($PSCmdlet.ShouldProcess('cccd-kiosk', 'Register scheduled task')) {
        $runner = Join-Path $InstallDir 'run-kiosk.ps1'
        $action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument (
            "-NoProfile -WindowStyle Hidden -ExecutionPolicy Bypass -File `"$runner`" -Mode $Mode")
        $trigger = New-ScheduledTaskTrigger -AtLogOn -User $KioskUser
        $settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) `
            -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -MultipleInstances IgnoreNew
        $taskUser = New-ScheduledTaskPrincipal -UserId $KioskUser -LogonType Interactive
        Register-ScheduledTask -TaskName 'cccd-kiosk' -Action $action -Trigger $trigger `
            -Settings $settings -Principal $taskUser -Force | Out-Null
    }
}

# 5. Shell Launcher v2: the kiosk is the account's shell (Enterprise/Education/IoT Enterprise).
if ($ShellLauncher) {
    Step "Shell Launcher: kiosk.exe is $KioskUser's shell"
    if ($PSCmdlet.ShouldProcess($KioskUser, 'Enable Shell Launcher with kiosk.exe as shell')) {
        $feature = Get-WindowsOptionalFeature -Online -FeatureName Client-EmbeddedShellLauncher
        if ($feature.State -ne 'Enabled') {
            Enable-WindowsOptionalFeature -Online -FeatureName Client-EmbeddedShellLauncher `
                -NoRestart | Out-Null
            Write-Warning 'Shell Launcher was just enabled: restart, then run this script again.'
            return
        }
        $sid = (New-Object Security.Principal.NTAccount($KioskUser)).Translate(
            [Security.Principal.SecurityIdentifier]).Value
        $wesl = [wmiclass]'\\localhost\root\standardcimv2\embedded:WESL_UserSetting'
        # Default action 0: restart the shell when it exits (WESL_UserSetting).
        $wesl.SetCustomShell($sid, "`"$exe`" --mode $Mode", $null, $null, 0) | Out-Null
        $wesl.SetDefaultShell('explorer.exe', 0) | Out-Null
        $wesl.SetEnabled($true) | Out-Null
    }
}

Step 'Done. Next: reader driver check, printer, then as the kiosk account:'
Write-Host "   `"$exe`" enroll --url https://intake.example   and   `"$exe`" doctor"
