#!/usr/bin/env python3
"""Votes in the booth with headless Firefox, driven over WebDriver BiDi (built into Firefox; no
geckodriver): open the letter's link, continue, pick each question's first option, review, challenge, cast,
then open the tracking page. Prints JSON with what the pages showed, for BoardServerTests'
FirefoxBoothTests to check against the board.

    python3 booth/test/firefox-booth.py VOTE_URL_WITH_FRAGMENT TRACK_URL_PREFIX
"""
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import websockets


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BiDi:
    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    async def call(self, method, params):
        self.next_id += 1
        mine = self.next_id
        await self.ws.send(json.dumps({"id": mine, "method": method, "params": params}))
        while True:
            message = json.loads(await self.ws.recv())
            if message.get("id") == mine:
                if message.get("type") == "error" or "error" in message:
                    raise RuntimeError(f"{method}: {message.get('error')}: {message.get('message')}")
                return message["result"]

    async def evaluate(self, context, expression):
        result = await self.call("script.evaluate", {
            "expression": expression, "target": {"context": context}, "awaitPromise": True,
            "resultOwnership": "none"})
        if result.get("type") == "exception":
            raise RuntimeError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    async def wait(self, context, condition, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            try:
                if await self.evaluate(context, f"Boolean({condition})"):
                    return
            except RuntimeError:
                pass
            await asyncio.sleep(0.1)
        shown = await self.evaluate(context, "document.getElementById('error')?.textContent ?? ''")
        raise RuntimeError(f"timed out waiting for {condition}; error shown: {shown}")


async def drive(port, vote_url, track_prefix):
    for _ in range(300):
        try:
            ws = await websockets.connect(f"ws://127.0.0.1:{port}/session", max_size=None)
            break
        except OSError:
            await asyncio.sleep(0.1)
    else:
        raise RuntimeError("Firefox's WebDriver BiDi did not answer")
    try:
        bidi = BiDi(ws)
        await bidi.call("session.new", {"capabilities": {}})
        tree = await bidi.call("browsingContext.getTree", {})
        ctx = tree["contexts"][0]["context"]
        out = {"userAgent": None}
        await bidi.call("browsingContext.navigate", {"context": ctx, "url": vote_url, "wait": "complete"})
        await bidi.wait(ctx, "document.body.dataset.ready === 'true'")
        out["userAgent"] = await bidi.evaluate(ctx, "navigator.userAgent")
        out["hashAfterLoad"] = await bidi.evaluate(ctx, "location.hash")
        out["checksum"] = await bidi.evaluate(ctx, "document.getElementById('credential-help').textContent")
        await bidi.evaluate(ctx, "document.getElementById('continue').click()")
        await bidi.wait(ctx, "!document.getElementById('step-ballot').hidden")
        # The first option of every question.
        await bidi.evaluate(ctx, "document.querySelectorAll('#ballot fieldset').forEach((f) => f.querySelector('input').click())")
        await bidi.evaluate(ctx, "document.getElementById('review').click()")
        await bidi.wait(ctx, "document.getElementById('tracking').textContent.length === 19")
        out["challenged"] = await bidi.evaluate(ctx, "document.getElementById('tracking').textContent")
        await bidi.evaluate(ctx, "document.getElementById('challenge').click()")
        await bidi.wait(ctx, "document.getElementById('challenge-result').textContent.length > 0")
        out["challengeResult"] = await bidi.evaluate(ctx, "document.getElementById('challenge-result').textContent")
        out["cast"] = await bidi.evaluate(ctx, "document.getElementById('tracking').textContent")
        await bidi.evaluate(ctx, "document.getElementById('cast').click()")
        await bidi.wait(ctx, "!document.getElementById('step-done').hidden")
        out["receiptStatus"] = await bidi.evaluate(ctx, "document.getElementById('receipt-status').textContent")
        await bidi.call("browsingContext.navigate", {"context": ctx, "url": track_prefix + out["cast"], "wait": "complete"})
        await bidi.wait(ctx, "document.getElementById('result')?.dataset.status")
        out["trackStatus"] = await bidi.evaluate(ctx, "document.getElementById('result').dataset.status")
        out["trackText"] = await bidi.evaluate(ctx, "document.getElementById('result').textContent")
        return out
    finally:
        await ws.close()


def main():
    vote_url, track_prefix = sys.argv[1], sys.argv[2]
    firefox = shutil.which("firefox-esr") or shutil.which("firefox")
    if not firefox:
        sys.exit("firefox-esr is not installed (apt-get install firefox-esr; scripts/install-deps --test does it)")
    port = free_port()
    profile = tempfile.mkdtemp(prefix="plebiscite-firefox-")
    env = dict(os.environ, MOZ_HEADLESS="1")
    log = open(os.path.join(profile, "firefox.log"), "w")
    browser = subprocess.Popen(
        [firefox, "--headless", "--no-remote", "--profile", profile, f"--remote-debugging-port={port}", "about:blank"],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        print(json.dumps(asyncio.run(drive(port, vote_url, track_prefix))))
    finally:
        browser.kill()
        browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
