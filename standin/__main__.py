"""``python -m standin [--port N] [--no-seed]``: run a stand-in Slack Web API."""

import argparse

from standin.server import serve_forever


def main() -> None:
    parser = argparse.ArgumentParser(description="Run a local Slack Web API stand-in.")
    parser.add_argument("--port", type=int, default=3001, help="port on 127.0.0.1 (default 3001)")
    parser.add_argument(
        "--no-seed", action="store_true", help="start with an empty workspace (no demo users)"
    )
    args = parser.parse_args()
    serve_forever(args.port, seed=not args.no_seed)


if __name__ == "__main__":
    main()
