"""samplegen: the generator of samples/ (scripts/make-samples.sh runs it).

scenario  the case in memory, from a fixed seed (no disk access)
oracle    what touchline must find: matches, verdicts, expected.json
docs      SCENARIO.md
ntfs      raw MFT reading and the $STANDARD_INFORMATION timestomp
imaging   mkntfs/ntfs-3g under libfaketime, checks with TSK, ewfacquire
cli       the command (python3 -m samplegen.cli)
"""
