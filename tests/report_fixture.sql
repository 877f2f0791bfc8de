-- Fixture for the exposure report renderers (tests/unit/test_report.c):
-- a small but realistic result of an exposure analysis, written straight
-- into the x_* TEMP tables (run Tl_exposure_ddl first). Window: March
-- 2023. 3 divisions, 4 evidence items, 4 partners, 22 targets (4 not
-- found), 30 occurrences covering every verdict, copies on a USB stick,
-- 1 burst, 2 anomalies. Some text is hostile on purpose: a formula in a
-- target label, markup in a note, a partner with & and <, URLs in text.

INSERT INTO x_param VALUES('from_ns', 1677628800000000000);
INSERT INTO x_param VALUES('to_ns', 1680307200000000000);
INSERT INTO x_param VALUES('generated_ns', 1680510600125000000);
INSERT INTO x_param VALUES('burst_count', 5);
INSERT INTO x_param VALUES('burst_window_ns', 600000000000);
INSERT INTO x_param VALUES('case_path', '/cases/northwind-2023/case.tlc');
INSERT INTO x_param VALUES('tool_version', 'touchline 0.1.0');

-- occurrences
INSERT INTO x_occ VALUES(1, 1, 1000, 1, 'FIN-WS-014', 'Finance', '/Users/mbrandt/Documents/Q3 forecast.xlsx', 0, 48213, 'copied', 1, 1, 0, 0, 0, 1678200063121527900, 1679649817097306000, 3, 'accessed: access time 2023-03-07T14:41:03.121527900Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); copied: 1 copy created in the window, first 2023-03-09T16:02:40.795838800Z');
INSERT INTO x_occ VALUES(2, 1, 1001, 1, 'FIN-WS-014', 'Finance', '/Shares/Finance/Q3 forecast.xlsx', 0, 48213, 'accessed', 1, 0, 0, 0, 0, 1677776834978106400, 1678349127701576400, 3, 'accessed: access time 2023-03-02T17:07:14.978106400Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read)');
INSERT INTO x_occ VALUES(3, 2, 1002, 1, 'FIN-WS-014', 'Finance', '/Shares/Finance/Acme pricing 2023.xlsx', 0, 91544, 'modified', 1, 0, 1, 0, 0, 1679656706242019800, 1679937903370913700, 2, 'accessed: access time 2023-03-27T17:25:03.370913700Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); modified: 2023-03-24T11:18:26.242019800Z');
INSERT INTO x_occ VALUES(4, 2, 1003, 3, 'LEG-WS-003', 'Legal', '/Users/kowens/Downloads/Acme pricing 2023.xlsx', 0, 91544, 'none', 0, 0, 0, 0, 0, NULL, NULL, 0, 'no evidence in the window');
INSERT INTO x_occ VALUES(5, 3, 1004, 2, 'ENG-LT-207', 'Engineering', '/Users/tli/Projects/acme/wing-root.dwg', 0, 2210443, 'copied', 1, 1, 0, 0, 0, 1678123175303208500, 1679092880662000000, 6, 'accessed: access time 2023-03-06T17:19:35.303208500Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); copied: 1 copy created in the window, first 2023-03-17T22:41:12.412000000Z');
INSERT INTO x_occ VALUES(6, 3, 1005, 2, 'ENG-LT-207', 'Engineering', '/Users/tli/Projects/acme/fuselage-frame.dwg', 0, 1839020, 'copied', 1, 1, 0, 0, 0, 1677777211892078500, 1679318977760317200, 6, 'accessed: access time 2023-03-02T17:13:31.892078500Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); copied: 1 copy created in the window, first 2023-03-17T22:41:52.412000000Z');
INSERT INTO x_occ VALUES(7, 3, 1006, 2, 'ENG-LT-207', 'Engineering', '/Users/tli/Projects/acme/old/flap-track.dwg', 1, 774300, 'deleted', 1, 0, 0, 0, 1, 1678440979881133500, 1680116651573874400, 4, 'accessed: access time 2023-03-10T09:36:19.881133500Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); deleted in the window: 2023-03-29T19:04:11.573874400Z (inode deletion time)');
INSERT INTO x_occ VALUES(8, 4, 1007, 2, 'ENG-LT-207', 'Engineering', '/Users/tli/Documents/Acme/wing-spar-spec.pdf', 0, 5120333, 'accessed', 1, 0, 0, 0, 0, 1679093070412000000, 1679493762130225500, 3, 'accessed: access time 2023-03-17T22:44:30.412000000Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read)');
INSERT INTO x_occ VALUES(9, 5, 1008, 3, 'LEG-WS-003', 'Legal', '/Users/kowens/Desktop/=HYPERLINK("http://evil.example/x","Merger terms")', 0, 33012, 'renamed', 1, 0, 0, 1, 0, 1677757604519434900, 1680017871765385500, 4, 'accessed: access time 2023-03-03T09:17:30.109051800Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); renamed or moved: a $FILE_NAME written 2023-03-02T11:46:44.519434900Z on a file created before the window');
INSERT INTO x_occ VALUES(10, 6, 1009, 3, 'LEG-WS-003', 'Legal', '/Shares/Legal/Borealis/term sheet v7.docx', 0, 61877, 'modified', 1, 0, 1, 0, 0, 1678295251098909100, 1680181289596369800, 4, 'accessed: access time 2023-03-08T17:07:31.098909100Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); modified: 2023-03-14T11:47:15.667561500Z');
INSERT INTO x_occ VALUES(11, 6, 1010, 1, 'FIN-WS-014', 'Finance', '/Users/mbrandt/Downloads/term sheet v7.docx', 1, 61877, 'deleted', 1, 0, 0, 0, 1, 1679476228673847200, 1679944665696751900, 3, 'accessed: access time 2023-03-22T09:10:28.673847200Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); deleted in the window: 2023-03-27T19:17:45.696751900Z (last MFT entry change of the deleted entry)');
INSERT INTO x_occ VALUES(12, 7, 1011, 1, 'FIN-WS-014', 'Finance', '/Shares/Finance/Borealis/cap table.xlsx', 0, 20433, 'accessed', 1, 0, 0, 0, 0, 1678270482391472900, 1680185649139225200, 2, 'accessed: access time 2023-03-08T10:14:42.391472900Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read)');
INSERT INTO x_occ VALUES(13, 8, 1012, 3, 'LEG-WS-003', 'Legal', '/Shares/Legal/+44 contracts.docx', 0, 88120, 'none', 0, 0, 0, 0, 0, NULL, NULL, 0, 'no evidence in the window');
INSERT INTO x_occ VALUES(14, 9, 1013, 2, 'ENG-LT-207', 'Engineering', '/Users/tli/AppData/Local/Temp/~cap.tmp', 1, 20433, 'deleted', 1, 0, 0, 0, 1, 1679505076473001200, 1679598566896894800, 2, 'accessed: access time 2023-03-22T17:11:16.473001200Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); deleted in the window: 2023-03-23T19:09:26.896894800Z (last MFT entry change of the deleted entry)');
INSERT INTO x_occ VALUES(15, 10, 1014, 3, 'LEG-WS-003', 'Legal', '/Shares/Legal/Cobalt/settlement draft.docx', 0, 45600, 'modified', 1, 0, 1, 0, 0, 1679066706807861200, 1680102192112990500, 4, 'accessed: access time 2023-03-28T08:29:57.938302200Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); modified: 2023-03-17T15:25:06.807861200Z .. 2023-03-29T15:03:12.112990500Z');
INSERT INTO x_occ VALUES(16, 10, 1015, 3, 'LEG-WS-003', 'Legal', '/Users/kowens/Documents/settlement draft (2).docx', 0, 45600, 'renamed', 1, 0, 0, 1, 0, 1678100436253780400, 1679393241088207200, 2, 'accessed: access time 2023-03-21T10:07:21.088207200Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); renamed or moved: a $FILE_NAME written 2023-03-06T11:00:36.253780400Z on a file created before the window');
INSERT INTO x_occ VALUES(17, 11, 1016, 2, 'ENG-LT-207', 'Engineering', '/Shares/Engineering/Cobalt/tooling BOM.xlsx', 0, 130221, 'copied', 1, 1, 0, 0, 0, 1678109941117969900, 1679092952412000000, 6, 'accessed: access time 2023-03-06T13:39:01.117969900Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); copied: 1 copy created in the window, first 2023-03-17T22:42:32.412000000Z');
INSERT INTO x_occ VALUES(18, 11, 1017, 1, 'FIN-WS-014', 'Finance', '/Users/mbrandt/Documents/tooling BOM.xlsx', 0, 130221, 'accessed', 1, 0, 0, 0, 0, 1679499030523201300, 1679499030523201300, 1, 'accessed: access time 2023-03-22T15:30:30.523201300Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read)');
INSERT INTO x_occ VALUES(19, 12, 1018, 1, 'FIN-WS-014', 'Finance', '/Shares/Finance/@cobalt-rates.csv', 0, 4410, 'accessed', 1, 0, 0, 0, 0, 1678182441444188300, 1678182441444188300, 1, 'accessed: access time 2023-03-07T09:47:21.444188300Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read)');
INSERT INTO x_occ VALUES(20, 13, 1019, 3, 'LEG-WS-003', 'Legal', '/Shares/Legal/Cobalt/witness list.pdf', 0, 301442, 'none', 0, 0, 0, 0, 0, NULL, NULL, 0, 'no evidence in the window');
INSERT INTO x_occ VALUES(21, 14, 1020, 2, 'ENG-LT-207', 'Engineering', '/Shares/Engineering/Delta/assay protocol.docx', 0, 77801, 'modified', 1, 0, 1, 0, 0, 1679092966912000000, 1680258781344293600, 5, 'accessed: access time 2023-03-17T22:42:46.912000000Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); modified: 2023-03-23T13:41:55.152690300Z');
INSERT INTO x_occ VALUES(22, 14, 1021, 2, 'ENG-LT-207', 'Engineering', '/Users/tli/Desktop/assay protocol.docx', 0, 77801, 'accessed', 1, 0, 0, 0, 0, 1678724638280250000, 1679093018662000000, 5, 'accessed: access time 2023-03-13T16:23:58.280250000Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read)');
INSERT INTO x_occ VALUES(23, 15, 1022, 2, 'ENG-LT-207', 'Engineering', '/Shares/Engineering/Delta/batch records 2022.zip', 0, 88213544, 'accessed', 1, 0, 0, 0, 0, 1679051553826750700, 1679093053162000000, 3, 'accessed: access time 2023-03-17T11:12:33.826750700Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read)');
INSERT INTO x_occ VALUES(24, 15, 1023, 4, 'USB-KINGSTON-01', 'Engineering', '/batch records 2022.zip', 0, 88213544, 'none', 0, 0, 0, 0, 0, NULL, NULL, 0, 'no evidence in the window');
INSERT INTO x_occ VALUES(25, 16, 1024, 1, 'FIN-WS-014', 'Finance', '/Shares/Finance/Delta/royalties.xlsx', 0, 15002, 'modified', 1, 0, 1, 0, 0, 1677660617792287300, 1678975514171391200, 4, 'accessed: access time 2023-03-01T08:50:17.792287300Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); modified: 2023-03-10T16:12:21.342881600Z .. 2023-03-16T14:05:14.171391200Z');
INSERT INTO x_occ VALUES(26, 16, 1025, 1, 'FIN-WS-014', 'Finance', '/Users/mbrandt/Desktop/royalties-old.xlsx', 1, 14877, 'deleted', 1, 0, 0, 0, 1, 1680025980804422900, 1680289678651854800, 3, 'accessed: access time 2023-03-28T17:53:00.804422900Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); deleted in the window: 2023-03-31T19:07:58.651854800Z (last MFT entry change of the deleted entry)');
INSERT INTO x_occ VALUES(27, 17, 1026, 3, 'LEG-WS-003', 'Legal', '/Shares/Legal/Delta/licence.pdf', 0, 210344, 'accessed', 1, 0, 0, 0, 0, 1678377371728005400, 1680095151664106700, 3, 'accessed: access time 2023-03-09T15:56:11.728005400Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read)');
INSERT INTO x_occ VALUES(28, 17, 1027, 3, 'LEG-WS-003', 'Legal', '/Users/kowens/Documents/Delta/licence.pdf', 0, 210344, 'renamed', 1, 0, 0, 1, 0, 1678176577780734200, 1680088179999704300, 2, 'accessed: access time 2023-03-07T08:09:37.780734200Z in the window ($SI; NTFS updates it lazily and may have it disabled, so it supports but does not prove a read); renamed or moved: a $FILE_NAME written 2023-03-29T11:09:39.999704300Z on a file created before the window');
INSERT INTO x_occ VALUES(29, 18, 1028, 2, 'ENG-LT-207', 'Engineering', '/Shares/Engineering/Delta/stability data.csv', 0, 9981, 'none', 0, 0, 0, 0, 0, NULL, NULL, 0, 'no evidence in the window');
INSERT INTO x_occ VALUES(30, 18, 1029, 4, 'USB-KINGSTON-01', 'Engineering', '/stability data.csv', 0, 9981, 'none', 0, 0, 0, 0, 0, NULL, NULL, 0, 'no evidence in the window');

-- targets (aggregated from the occurrences as the analysis does)
INSERT INTO x_target VALUES(1, 2, '/Shares/Finance/Q3 forecast.xlsx', 'Acme Aerospace', 'NDA', 'Finance', 2, 1, 1, 'copied', 1677776834978106400, 1679649817097306000, 6);
INSERT INTO x_target VALUES(2, 3, '/Shares/Finance/Acme pricing 2023.xlsx', 'Acme Aerospace', 'NDA', 'Finance', 2, 1, 1, 'modified', 1679656706242019800, 1679937903370913700, 2);
INSERT INTO x_target VALUES(3, 4, '*.dwg', 'Acme Aerospace', 'Export controlled', 'Engineering', 3, 1, 1, 'copied', 1677777211892078500, 1680116651573874400, 16);
INSERT INTO x_target VALUES(4, 5, '/Users/*/Documents/Acme/wing-spar-spec.pdf', 'Acme Aerospace', 'Export controlled', 'Engineering', 1, 1, 1, 'accessed', 1679093070412000000, 1679493762130225500, 3);
INSERT INTO x_target VALUES(5, 6, '=HYPERLINK("http://evil.example/x","Merger terms")', 'Borealis Capital', 'Secret', 'Legal', 1, 1, 1, 'renamed', 1677757604519434900, 1680017871765385500, 4);
INSERT INTO x_target VALUES(6, 7, '/Shares/Legal/Borealis/term sheet v7.docx', 'Borealis Capital', 'Secret', 'Legal', 2, 1, 1, 'deleted', 1678295251098909100, 1680181289596369800, 7);
INSERT INTO x_target VALUES(7, 8, '/Shares/Finance/Borealis/cap table.xlsx', 'Borealis Capital', 'Confidential', 'Finance', 1, 1, 1, 'accessed', 1678270482391472900, 1680185649139225200, 2);
INSERT INTO x_target VALUES(8, 9, '+44 contracts.docx', 'Borealis Capital', 'Confidential', 'Legal', 1, 1, 0, 'none', NULL, NULL, 0);
INSERT INTO x_target VALUES(9, 10, 'sha256:9f2c7d1e4b', 'Borealis Capital', 'Confidential', NULL, 1, 1, 1, 'deleted', 1679505076473001200, 1679598566896894800, 2);
INSERT INTO x_target VALUES(10, 11, '/Shares/Legal/Cobalt/settlement draft.docx', 'Cobalt & Sons <Ltd>', 'Privileged', 'Legal', 2, 1, 1, 'modified', 1678100436253780400, 1680102192112990500, 6);
INSERT INTO x_target VALUES(11, 12, '/Shares/Engineering/Cobalt/tooling BOM.xlsx', 'Cobalt & Sons <Ltd>', 'NDA', 'Engineering', 2, 1, 1, 'copied', 1678109941117969900, 1679499030523201300, 7);
INSERT INTO x_target VALUES(12, 13, '@cobalt-rates.csv', 'Cobalt & Sons <Ltd>', 'NDA', 'Finance', 1, 1, 1, 'accessed', 1678182441444188300, 1678182441444188300, 1);
INSERT INTO x_target VALUES(13, 14, '/Shares/Legal/Cobalt/witness list.pdf', 'Cobalt & Sons <Ltd>', 'Privileged', 'Legal', 1, 1, 0, 'none', NULL, NULL, 0);
INSERT INTO x_target VALUES(14, 15, '/Shares/Engineering/Delta/assay protocol.docx', 'Delta Pharma', 'Trade secret', 'Engineering', 2, 1, 1, 'modified', 1678724638280250000, 1680258781344293600, 10);
INSERT INTO x_target VALUES(15, 16, '/Shares/Engineering/Delta/batch records 2022.zip', 'Delta Pharma', 'Trade secret', 'Engineering', 2, 1, 1, 'accessed', 1679051553826750700, 1679093053162000000, 3);
INSERT INTO x_target VALUES(16, 17, '/Shares/Finance/Delta/royalties.xlsx', 'Delta Pharma', 'Confidential', 'Finance', 2, 1, 1, 'deleted', 1677660617792287300, 1680289678651854800, 7);
INSERT INTO x_target VALUES(17, 18, '/Shares/Legal/Delta/licence.pdf', 'Delta Pharma', 'Confidential', 'Legal', 2, 1, 1, 'renamed', 1678176577780734200, 1680095151664106700, 5);
INSERT INTO x_target VALUES(18, 19, '/Shares/Engineering/Delta/stability data.csv', 'Delta Pharma', 'Trade secret', 'Engineering', 2, 1, 0, 'none', NULL, NULL, 0);
INSERT INTO x_target VALUES(19, 20, '/Shares/Finance/Acme/invoices 2022.pdf', 'Acme Aerospace', 'NDA', 'Finance', 0, 0, 0, 'none', NULL, NULL, 0);
INSERT INTO x_target VALUES(20, 21, 'board minutes*.docx', 'Borealis Capital', 'Secret', 'Legal', 0, 0, 0, 'none', NULL, NULL, 0);
INSERT INTO x_target VALUES(21, 22, 'md5:5d41402abc4b2a76b9719d911017c592', 'Cobalt & Sons <Ltd>', 'NDA', NULL, 0, 0, 0, 'none', NULL, NULL, 0);
INSERT INTO x_target VALUES(22, 23, '/Shares/Engineering/Delta/reactor settings.xlsx', 'Delta Pharma', 'Trade secret', 'Engineering', 0, 0, 0, 'none', NULL, NULL, 0);

-- evidence rows
INSERT INTO x_row VALUES(1, 1678200063121527900, 'accessed', '$SI', '.a..', 1000, 'FIN-WS-014', '/Users/mbrandt/Documents/Q3 forecast.xlsx', '');
INSERT INTO x_row VALUES(1, 1678377760795838800, 'copied', '$SI', '...b', 1500, 'USB-KINGSTON-01', 'E:/backup/q3/Q3 forecast.xlsx', 'a copy (name+size) created here <script>alert(''x'')</script> (source: https://files.example.com/share)');
INSERT INTO x_row VALUES(1, 1679649817097306000, 'accessed', '$SI', '.a..', 1000, 'FIN-WS-014', '/Users/mbrandt/Documents/Q3 forecast.xlsx', '');
INSERT INTO x_row VALUES(2, 1677776834978106400, 'accessed', '$SI', '.a..', 1001, 'FIN-WS-014', '/Shares/Finance/Q3 forecast.xlsx', '');
INSERT INTO x_row VALUES(2, 1677841535712225000, 'accessed', '$SI', '.a..', 1001, 'FIN-WS-014', '/Shares/Finance/Q3 forecast.xlsx', '');
INSERT INTO x_row VALUES(2, 1678349127701576400, 'accessed', '$SI', '.a..', 1001, 'FIN-WS-014', '/Shares/Finance/Q3 forecast.xlsx', '');
INSERT INTO x_row VALUES(3, 1679656706242019800, 'modified', '$SI', 'm.c.', 1002, 'FIN-WS-014', '/Shares/Finance/Acme pricing 2023.xlsx', '');
INSERT INTO x_row VALUES(3, 1679937903370913700, 'accessed', '$SI', '.a..', 1002, 'FIN-WS-014', '/Shares/Finance/Acme pricing 2023.xlsx', '');
INSERT INTO x_row VALUES(5, 1678123175303208500, 'accessed', '$SI', '.a..', 1004, 'ENG-LT-207', '/Users/tli/Projects/acme/wing-root.dwg', '');
INSERT INTO x_row VALUES(5, 1678124200315195200, 'accessed', '$SI', '.a..', 1004, 'ENG-LT-207', '/Users/tli/Projects/acme/wing-root.dwg', '');
INSERT INTO x_row VALUES(5, 1678959345105342400, 'accessed', '$SI', '.a..', 1004, 'ENG-LT-207', '/Users/tli/Projects/acme/wing-root.dwg', '');
INSERT INTO x_row VALUES(5, 1679092863412000000, 'accessed', '$SI', '.a..', 1004, 'ENG-LT-207', '/Users/tli/Projects/acme/wing-root.dwg', '');
INSERT INTO x_row VALUES(5, 1679092872412000000, 'copied', '$SI', '...b', 1504, 'USB-KINGSTON-01', '/acme/wing-root.dwg', 'a copy (sha256) created here; created after last modified: the copy signature');
INSERT INTO x_row VALUES(5, 1679092880662000000, 'accessed', '$SI', '.a..', 1004, 'ENG-LT-207', '/Users/tli/Projects/acme/wing-root.dwg', '');
INSERT INTO x_row VALUES(6, 1677777211892078500, 'accessed', '$SI', '.a..', 1005, 'ENG-LT-207', '/Users/tli/Projects/acme/fuselage-frame.dwg', '');
INSERT INTO x_row VALUES(6, 1678968950301598500, 'accessed', '$SI', '.a..', 1005, 'ENG-LT-207', '/Users/tli/Projects/acme/fuselage-frame.dwg', '');
INSERT INTO x_row VALUES(6, 1679092897912000000, 'accessed', '$SI', '.a..', 1005, 'ENG-LT-207', '/Users/tli/Projects/acme/fuselage-frame.dwg', '');
INSERT INTO x_row VALUES(6, 1679092912412000000, 'copied', '$SI', '...b', 1505, 'USB-KINGSTON-01', '/acme/fuselage-frame.dwg', 'a copy (sha256) created here; created after last modified: the copy signature');
INSERT INTO x_row VALUES(6, 1679092915162000000, 'accessed', '$SI', '.a..', 1005, 'ENG-LT-207', '/Users/tli/Projects/acme/fuselage-frame.dwg', '');
INSERT INTO x_row VALUES(6, 1679318977760317200, 'accessed', '$SI', '.a..', 1005, 'ENG-LT-207', '/Users/tli/Projects/acme/fuselage-frame.dwg', '');
INSERT INTO x_row VALUES(7, 1678440979881133500, 'accessed', '$SI', '.a..', 1006, 'ENG-LT-207', '/Users/tli/Projects/acme/old/flap-track.dwg', '');
INSERT INTO x_row VALUES(7, 1679492788483079400, 'accessed', '$SI', '.a..', 1006, 'ENG-LT-207', '/Users/tli/Projects/acme/old/flap-track.dwg', '');
INSERT INTO x_row VALUES(7, 1679994452701493600, 'accessed', '$SI', '.a..', 1006, 'ENG-LT-207', '/Users/tli/Projects/acme/old/flap-track.dwg', '');
INSERT INTO x_row VALUES(7, 1680116651573874400, 'deleted', 'inode', '....', 1006, 'ENG-LT-207', '/Users/tli/Projects/acme/old/flap-track.dwg', 'inode deletion time');
INSERT INTO x_row VALUES(8, 1679093070412000000, 'accessed', '$SI', '.a..', 1007, 'ENG-LT-207', '/Users/tli/Documents/Acme/wing-spar-spec.pdf', '');
INSERT INTO x_row VALUES(8, 1679093087662000000, 'accessed', '$SI', '.a..', 1007, 'ENG-LT-207', '/Users/tli/Documents/Acme/wing-spar-spec.pdf', '');
INSERT INTO x_row VALUES(8, 1679493762130225500, 'accessed', '$SI', '.a..', 1007, 'ENG-LT-207', '/Users/tli/Documents/Acme/wing-spar-spec.pdf', '');
INSERT INTO x_row VALUES(9, 1677757604519434900, 'renamed', '$FN', '...b', 1008, 'LEG-WS-003', '/Users/kowens/Desktop/=HYPERLINK("http://evil.example/x","Merger terms")', '$FILE_NAME created, renamed or moved');
INSERT INTO x_row VALUES(9, 1677835050109051800, 'accessed', '$SI', '.a..', 1008, 'LEG-WS-003', '/Users/kowens/Desktop/=HYPERLINK("http://evil.example/x","Merger terms")', '');
INSERT INTO x_row VALUES(9, 1679923304587501800, 'accessed', '$SI', '.a..', 1008, 'LEG-WS-003', '/Users/kowens/Desktop/=HYPERLINK("http://evil.example/x","Merger terms")', '');
INSERT INTO x_row VALUES(9, 1680017871765385500, 'accessed', '$SI', '.a..', 1008, 'LEG-WS-003', '/Users/kowens/Desktop/=HYPERLINK("http://evil.example/x","Merger terms")', '');
INSERT INTO x_row VALUES(10, 1678295251098909100, 'accessed', '$SI', '.a..', 1009, 'LEG-WS-003', '/Shares/Legal/Borealis/term sheet v7.docx', '');
INSERT INTO x_row VALUES(10, 1678794435667561500, 'modified', '$SI', 'm.c.', 1009, 'LEG-WS-003', '/Shares/Legal/Borealis/term sheet v7.docx', '');
INSERT INTO x_row VALUES(10, 1679930325647250600, 'accessed', '$SI', '.a..', 1009, 'LEG-WS-003', '/Shares/Legal/Borealis/term sheet v7.docx', '');
INSERT INTO x_row VALUES(10, 1680181289596369800, 'accessed', '$SI', '.a..', 1009, 'LEG-WS-003', '/Shares/Legal/Borealis/term sheet v7.docx', '');
INSERT INTO x_row VALUES(11, 1679476228673847200, 'accessed', '$SI', '.a..', 1010, 'FIN-WS-014', '/Users/mbrandt/Downloads/term sheet v7.docx', '');
INSERT INTO x_row VALUES(11, 1679662568722295400, 'accessed', '$SI', '.a..', 1010, 'FIN-WS-014', '/Users/mbrandt/Downloads/term sheet v7.docx', '');
INSERT INTO x_row VALUES(11, 1679944665696751900, 'deleted', '$SI', '..c.', 1010, 'FIN-WS-014', '/Users/mbrandt/Downloads/term sheet v7.docx', 'last MFT entry change of a deleted entry: consistent with the deletion');
INSERT INTO x_row VALUES(12, 1678270482391472900, 'accessed', '$SI', '.a..', 1011, 'FIN-WS-014', '/Shares/Finance/Borealis/cap table.xlsx', '');
INSERT INTO x_row VALUES(12, 1680185649139225200, 'accessed', '$SI', '.a..', 1011, 'FIN-WS-014', '/Shares/Finance/Borealis/cap table.xlsx', '');
INSERT INTO x_row VALUES(14, 1679505076473001200, 'accessed', '$SI', '.a..', 1013, 'ENG-LT-207', '/Users/tli/AppData/Local/Temp/~cap.tmp', '');
INSERT INTO x_row VALUES(14, 1679598566896894800, 'deleted', '$SI', '..c.', 1013, 'ENG-LT-207', '/Users/tli/AppData/Local/Temp/~cap.tmp', 'last MFT entry change of a deleted entry: consistent with the deletion');
INSERT INTO x_row VALUES(15, 1679066706807861200, 'modified', '$SI', 'm.c.', 1014, 'LEG-WS-003', '/Shares/Legal/Cobalt/settlement draft.docx', '');
INSERT INTO x_row VALUES(15, 1679992197938302200, 'accessed', '$SI', '.a..', 1014, 'LEG-WS-003', '/Shares/Legal/Cobalt/settlement draft.docx', '');
INSERT INTO x_row VALUES(15, 1680024008864851100, 'accessed', '$SI', '.a..', 1014, 'LEG-WS-003', '/Shares/Legal/Cobalt/settlement draft.docx', '');
INSERT INTO x_row VALUES(15, 1680102192112990500, 'modified', '$SI', 'm.c.', 1014, 'LEG-WS-003', '/Shares/Legal/Cobalt/settlement draft.docx', '');
INSERT INTO x_row VALUES(16, 1678100436253780400, 'renamed', '$FN', '...b', 1015, 'LEG-WS-003', '/Users/kowens/Documents/settlement draft (2).docx', '$FILE_NAME created, renamed or moved');
INSERT INTO x_row VALUES(16, 1679393241088207200, 'accessed', '$SI', '.a..', 1015, 'LEG-WS-003', '/Users/kowens/Documents/settlement draft (2).docx', '');
INSERT INTO x_row VALUES(17, 1678109941117969900, 'accessed', '$SI', '.a..', 1016, 'ENG-LT-207', '/Shares/Engineering/Cobalt/tooling BOM.xlsx', '');
INSERT INTO x_row VALUES(17, 1678382649423218200, 'accessed', '$SI', '.a..', 1016, 'ENG-LT-207', '/Shares/Engineering/Cobalt/tooling BOM.xlsx', '');
INSERT INTO x_row VALUES(17, 1678987410206095000, 'accessed', '$SI', '.a..', 1016, 'ENG-LT-207', '/Shares/Engineering/Cobalt/tooling BOM.xlsx', '');
INSERT INTO x_row VALUES(17, 1679092932412000000, 'accessed', '$SI', '.a..', 1016, 'ENG-LT-207', '/Shares/Engineering/Cobalt/tooling BOM.xlsx', '');
INSERT INTO x_row VALUES(17, 1679092949662000000, 'accessed', '$SI', '.a..', 1016, 'ENG-LT-207', '/Shares/Engineering/Cobalt/tooling BOM.xlsx', '');
INSERT INTO x_row VALUES(17, 1679092952412000000, 'copied', '$SI', '...b', 1516, 'USB-KINGSTON-01', '/cobalt/tooling BOM.xlsx', 'a copy (name+size) created here; created after last modified: the copy signature');
INSERT INTO x_row VALUES(18, 1679499030523201300, 'accessed', '$SI', '.a..', 1017, 'FIN-WS-014', '/Users/mbrandt/Documents/tooling BOM.xlsx', '');
INSERT INTO x_row VALUES(19, 1678182441444188300, 'accessed', '$SI', '.a..', 1018, 'FIN-WS-014', '/Shares/Finance/@cobalt-rates.csv', '');
INSERT INTO x_row VALUES(21, 1679092966912000000, 'accessed', '$SI', '.a..', 1020, 'ENG-LT-207', '/Shares/Engineering/Delta/assay protocol.docx', '');
INSERT INTO x_row VALUES(21, 1679092984162000000, 'accessed', '$SI', '.a..', 1020, 'ENG-LT-207', '/Shares/Engineering/Delta/assay protocol.docx', '');
INSERT INTO x_row VALUES(21, 1679576984911292100, 'accessed', '$SI', '.a..', 1020, 'ENG-LT-207', '/Shares/Engineering/Delta/assay protocol.docx', '');
INSERT INTO x_row VALUES(21, 1679578915152690300, 'modified', '$SI', 'm.c.', 1020, 'ENG-LT-207', '/Shares/Engineering/Delta/assay protocol.docx', '');
INSERT INTO x_row VALUES(21, 1680258781344293600, 'accessed', '$SI', '.a..', 1020, 'ENG-LT-207', '/Shares/Engineering/Delta/assay protocol.docx', '');
INSERT INTO x_row VALUES(22, 1678724638280250000, 'accessed', '$SI', '.a..', 1021, 'ENG-LT-207', '/Users/tli/Desktop/assay protocol.docx', '');
INSERT INTO x_row VALUES(22, 1678880391327400700, 'accessed', '$SI', '.a..', 1021, 'ENG-LT-207', '/Users/tli/Desktop/assay protocol.docx', '');
INSERT INTO x_row VALUES(22, 1678966474843385600, 'accessed', '$SI', '.a..', 1021, 'ENG-LT-207', '/Users/tli/Desktop/assay protocol.docx', '');
INSERT INTO x_row VALUES(22, 1679093001412000000, 'accessed', '$SI', '.a..', 1021, 'ENG-LT-207', '/Users/tli/Desktop/assay protocol.docx', '');
INSERT INTO x_row VALUES(22, 1679093018662000000, 'accessed', '$SI', '.a..', 1021, 'ENG-LT-207', '/Users/tli/Desktop/assay protocol.docx', '');
INSERT INTO x_row VALUES(23, 1679051553826750700, 'accessed', '$SI', '.a..', 1022, 'ENG-LT-207', '/Shares/Engineering/Delta/batch records 2022.zip', '');
INSERT INTO x_row VALUES(23, 1679093035912000000, 'accessed', '$SI', '.a..', 1022, 'ENG-LT-207', '/Shares/Engineering/Delta/batch records 2022.zip', '');
INSERT INTO x_row VALUES(23, 1679093053162000000, 'accessed', '$SI', '.a..', 1022, 'ENG-LT-207', '/Shares/Engineering/Delta/batch records 2022.zip', '');
INSERT INTO x_row VALUES(25, 1677660617792287300, 'accessed', '$SI', '.a..', 1024, 'FIN-WS-014', '/Shares/Finance/Delta/royalties.xlsx', '');
INSERT INTO x_row VALUES(25, 1678464741342881600, 'modified', '$SI', 'm.c.', 1024, 'FIN-WS-014', '/Shares/Finance/Delta/royalties.xlsx', '');
INSERT INTO x_row VALUES(25, 1678707878577607500, 'accessed', '$SI', '.a..', 1024, 'FIN-WS-014', '/Shares/Finance/Delta/royalties.xlsx', '');
INSERT INTO x_row VALUES(25, 1678975514171391200, 'modified', '$SI', 'm.c.', 1024, 'FIN-WS-014', '/Shares/Finance/Delta/royalties.xlsx', '');
INSERT INTO x_row VALUES(26, 1680025980804422900, 'accessed', '$SI', '.a..', 1025, 'FIN-WS-014', '/Users/mbrandt/Desktop/royalties-old.xlsx', '');
INSERT INTO x_row VALUES(26, 1680097901142234600, 'accessed', '$SI', '.a..', 1025, 'FIN-WS-014', '/Users/mbrandt/Desktop/royalties-old.xlsx', '');
INSERT INTO x_row VALUES(26, 1680289678651854800, 'deleted', '$SI', '..c.', 1025, 'FIN-WS-014', '/Users/mbrandt/Desktop/royalties-old.xlsx', 'last MFT entry change of a deleted entry: consistent with the deletion');
INSERT INTO x_row VALUES(27, 1678377371728005400, 'accessed', '$SI', '.a..', 1026, 'LEG-WS-003', '/Shares/Legal/Delta/licence.pdf', '');
INSERT INTO x_row VALUES(27, 1679410025266516200, 'accessed', '$SI', '.a..', 1026, 'LEG-WS-003', '/Shares/Legal/Delta/licence.pdf', '');
INSERT INTO x_row VALUES(27, 1680095151664106700, 'accessed', '$SI', '.a..', 1026, 'LEG-WS-003', '/Shares/Legal/Delta/licence.pdf', '');
INSERT INTO x_row VALUES(28, 1678176577780734200, 'accessed', '$SI', '.a..', 1027, 'LEG-WS-003', '/Users/kowens/Documents/Delta/licence.pdf', '');
INSERT INTO x_row VALUES(28, 1680088179999704300, 'renamed', '$FN', '...b', 1027, 'LEG-WS-003', '/Users/kowens/Documents/Delta/licence.pdf', '$FILE_NAME created, renamed or moved');

-- copies
INSERT INTO x_copy VALUES(1, 1500, 'USB-KINGSTON-01', 'Engineering', 'E:/backup/q3/Q3 forecast.xlsx', 1678377760795838800, 1678381360795838800, 'name+size', 0);
INSERT INTO x_copy VALUES(5, 1504, 'USB-KINGSTON-01', 'Engineering', '/acme/wing-root.dwg', 1679092872412000000, 1678056072412000000, 'sha256', 1);
INSERT INTO x_copy VALUES(6, 1505, 'USB-KINGSTON-01', 'Engineering', '/acme/fuselage-frame.dwg', 1679092912412000000, 1675809712412000000, 'sha256', 1);
INSERT INTO x_copy VALUES(17, 1516, 'USB-KINGSTON-01', 'Engineering', '/cobalt/tooling BOM.xlsx', 1679092952412000000, 1675809752412000000, 'name+size', 1);

-- anomalies
INSERT INTO x_anomaly VALUES('si-created-before-fn-created', 9, 1008, 'LEG-WS-003', '/Users/kowens/Desktop/=HYPERLINK("http://evil.example/x","Merger terms")', '$SI created 2021-06-01T09:00:00.000Z is earlier than $FILE_NAME created 2023-03-02T11:46:44.519Z: $SI times were probably set back (timestomping)');
INSERT INTO x_anomaly VALUES('copy-signature', 5, 1504, 'USB-KINGSTON-01', '/acme/wing-root.dwg', 'created 2023-03-17T22:41:12.412Z after last modified 2023-03-05T22:41:12.412Z: a copy');

-- the burst: the evening copy run on ENG-LT-207
INSERT INTO x_burst VALUES(1, 'ENG-LT-207', 'Engineering (7)', 1679092863412000000, 1679093087662000000, 7, 14);

-- coverage: why the 4 targets not found were not found (x_cover)
INSERT INTO x_cover(target_id, reason, detail, folder_evidence, folder_path, folder_modified_ns) VALUES(19, 'folder-exists', 'its folder /Shares/Finance/Acme exists on FIN-WS-014 (last modified 2023-03-20T10:00:00Z) but the file does not: deleted?', 'FIN-WS-014', '/Shares/Finance/Acme', 1679306400000000000);
INSERT INTO x_cover(target_id, reason, detail, scope) VALUES(20, 'scope-not-in-case', 'scoped to ''Board <Office>'', which no evidence item or share map names', 'Board <Office>');
INSERT INTO x_cover(target_id, reason, detail) VALUES(21, 'not-on-evidence', 'no file on any evidence item matches it');
INSERT INTO x_cover(target_id, reason, detail) VALUES(22, 'not-on-evidence', 'no file on any evidence item matches it');

-- timestomping indicators on every file in the window (x_file_anomaly):
-- a tool (no target) with two rules, then a document
INSERT INTO x_file_anomaly(object_id, evidence, path, rule, executable, deleted, si_created_ns, si_modified_ns, si_changed_ns, si_accessed_ns, fn_created_ns, fn_modified_ns, fn_changed_ns, fn_accessed_ns, fs_created_ns, acquired_ns, acquired_from, detail) VALUES(2001, 'ENG-LT-207', '/Users/Public/rar.exe', 'si-created-before-fn-created', 1, 0, 1290243600000000000, 1290243600000000000, 1290243600000000000, 1290243600000000000, 1679092801123456700, 1679092801123456700, 1679092801123456700, 1679092801123456700, 1600000000000000000, 1680400000000000000, 'ingest', '$SI created is earlier than $FILE_NAME created');
INSERT INTO x_file_anomaly(object_id, evidence, path, rule, executable, deleted, si_created_ns, si_modified_ns, si_changed_ns, si_accessed_ns, fn_created_ns, fn_modified_ns, fn_changed_ns, fn_accessed_ns, fs_created_ns, acquired_ns, acquired_from, detail) VALUES(2001, 'ENG-LT-207', '/Users/Public/rar.exe', 'si-zero-subseconds', 1, 0, 1290243600000000000, 1290243600000000000, 1290243600000000000, 1290243600000000000, 1679092801123456700, 1679092801123456700, 1679092801123456700, 1679092801123456700, 1600000000000000000, 1680400000000000000, 'ingest', 'every $SI time is a whole second');
INSERT INTO x_file_anomaly(object_id, evidence, path, rule, executable, deleted, si_created_ns, si_modified_ns, si_changed_ns, si_accessed_ns, fn_created_ns, fn_modified_ns, fn_changed_ns, fn_accessed_ns, fs_created_ns, acquired_ns, acquired_from, detail) VALUES(2002, 'FIN-WS-014', '/Users/mbrandt/a.txt', 'time-after-acquisition', 0, 1, 1680300000100000000, 1690000000000000000, 1680300000100000000, 1680300000100000000, 1680300000100000000, 1680300000100000000, 1680300000100000000, 1680300000100000000, 1600000000000000000, 1680400000000000000, 'ingest', 'a time later than the acquisition');
UPDATE x_file_anomaly SET n_rules = (SELECT count(*) FROM x_file_anomaly b WHERE b.object_id = x_file_anomaly.object_id);
