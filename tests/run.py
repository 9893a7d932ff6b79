"""Runs the suite the way CI must see it.

Compiles the translation catalogues first (the .mo files are build products, not in git),
says loudly whether the browser tests will run, and refuses to count "no tests ran"
(pytest exit code 5) as a pass.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = os.environ.get("HOUSING_CHROMIUM", "/usr/bin/chromium")


def main() -> int:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="housing_contact.settings.test")
    subprocess.run([sys.executable, "manage.py", "compiletranslations"], check=True, env=env)
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        banner = "!" * 78
        print(
            f"\n{banner}\n  CHROMIUM IS NOT INSTALLED: the browser (Playwright) tests will be SKIPPED.\n"
            f"  Install Debian's 'chromium' package to run them (CI always does).\n{banner}\n",
            flush=True,
        )
    code = subprocess.call([sys.executable, "-m", "pytest", *sys.argv[1:]], env=env)
    if code == 5:
        print("pytest collected no tests: that is a failure, not a pass.", flush=True)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
