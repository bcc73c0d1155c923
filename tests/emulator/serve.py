"""Starts moto's server with requests handled one at a time.

moto evaluates DynamoDB condition expressions and writes without a lock, so in its default threaded server two
concurrent conditional writes can both succeed, which real DynamoDB never allows. Portcullis' exactly-once
guarantees rest on those conditions, and the end-to-end tests deliver the same event concurrently, so the local
emulator must keep them atomic: serving one request at a time does (werkzeug then speaks HTTP/1.0 and closes each
connection, so no client can hold the server). Step Functions executions still run on moto's own threads.
"""
import sys

import moto.server as server

_run_simple = server.run_simple


def _serialised(*args, **kwargs):
    kwargs["threaded"] = False
    return _run_simple(*args, **kwargs)


server.run_simple = _serialised

if __name__ == "__main__":
    server.main(sys.argv[1:])
