"""The hall's reports (日通报 and period reports) as PDF, XLSX and CSV, from the figures
of ``ledger.stats``: ``tables`` lays them out (plain Python), ``pdf`` draws them with Qt's
PDF writer (charts and embedded Chinese fonts), ``sheets`` writes XLSX and CSV."""
