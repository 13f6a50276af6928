"""One persistent LibreOffice worker, run under the system Python that has the UNO bridge.

Not imported by the pipeline: ``convert`` starts it as ``/usr/bin/python3 uno_worker.py SOFFICE
PROFILE_DIR PIPE_NAME`` (python3-uno belongs to Debian's Python, not to a virtualenv). It starts
its own headless ``soffice`` with a private profile, answers ``{"ready": true}`` once connected,
then reads one JSON job per line on stdin (``{"in": docx, "out": pdf}``) and answers one JSON
line per job (``{"ok": true}`` or ``{"ok": false, "error": …}``). Closing stdin ends it and its
office. Standard library and ``uno`` only.
"""

import json
import os
import signal
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

START_TIMEOUT = 90.0


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main():
    try:
        return serve()
    except Exception as e:  # say why instead of dying silently: the pool logs it
        say({"ready": False, "error": f"{type(e).__name__}: {e}"})
        # Never leave an office behind: it shares this process group (the pool made it a session).
        sys.stdout.flush()
        os.killpg(os.getpgrp(), signal.SIGKILL)
        return 1


def serve():
    soffice, profile, pipe = sys.argv[1:4]
    office = subprocess.Popen(
        [soffice, "-env:UserInstallation=" + uno.systemPathToFileUrl(profile), "--headless", "--invisible",
         "--nologo", "--norestore", "--nodefault", "--nolockcheck", "--nofirststartwizard",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"soffice exited with {office.poll()} before accepting connections") from None
            time.sleep(0.05)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    say({"ready": True, "pid": office.pid})
    load = (prop("Hidden", True), prop("ReadOnly", True), prop("UpdateDocMode", 0))
    # Naming the import filter skips LibreOffice's type detection (about 7 % of a conversion).
    docx = (*load, prop("FilterName", "MS Word 2007 XML"))
    store = (prop("FilterName", "writer_pdf_Export"), prop("Overwrite", True))
    # Fault injection for the tests: a document whose name holds this text hangs, as LibreOffice
    # does on some damaged files.
    hang = os.environ.get("DOSSIERS_FAULT_HANG")
    for line in sys.stdin:
        job = json.loads(line)
        doc = None
        if hang and hang in os.path.basename(job["in"]):
            time.sleep(3600)
        try:
            url = uno.systemPathToFileUrl(os.path.abspath(job["in"]))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, docx if url.endswith(".docx") else load)
            if doc is None:
                raise RuntimeError("LibreOffice could not open the document")
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(job["out"])), store)
            say({"ok": True})
        except Exception as e:  # report and go on with the next job
            say({"ok": False, "error": f"{type(e).__name__}: {e}"})
        finally:
            if doc is not None:
                try:
                    doc.close(True)
                except Exception:
                    pass
    try:
        desktop.terminate()
    except Exception:
        pass
    try:
        office.wait(timeout=10)
    except subprocess.TimeoutExpired:
        office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
