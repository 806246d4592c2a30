"""Reads the running config of NETCONF devices with Debian's python3-ncclient, independently of netsync's client.

Usage: ncclient_get_running.py USER KEYFILE PORT...   Prints one JSON object {port: data_xml}.
"""
import json
import sys

from ncclient import manager

user, keyfile, ports = sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3:]]
out = {}
for port in ports:
    with manager.connect(
        host="127.0.0.1", port=port, username=user, key_filename=keyfile,
        hostkey_verify=False, look_for_keys=False, allow_agent=False, timeout=20,
    ) as m:
        out[str(port)] = m.get_config(source="running").data_xml
print(json.dumps(out))
