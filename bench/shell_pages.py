"""Baseline of the shell: /healthz, /readyz and the signed-in home page.

make bench            # every benchmark
.venv/bin/python -m housing_contact.devenv exec -- .venv/bin/python -m bench.shell_pages
"""

from bench import loaddriver as ld


def main() -> None:
    ld.prepare()
    measurement = ld.measure(
        [
            ld.Endpoint("healthz", "/healthz"),
            ld.Endpoint("readyz", "/readyz"),
            ld.Endpoint("home", "/", as_user="agent"),
        ],
        rounds=3,
        requests=300,
        concurrency=8,
    )
    ld.report("shell_pages", measurement)


if __name__ == "__main__":
    main()
