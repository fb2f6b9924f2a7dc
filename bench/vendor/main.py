# The vendor's demo script (vantage-sh/finops-as-code, python/automate-unit-economics/main.py,
# see shared/vantage-api/REFERENCE.md section 7), followed exactly, for the benchmark. psycopg2 and
# requests come from Debian (python3-psycopg2, python3-requests).
#
# Minimal changes, each marked "CHANGED" below:
#   1. the database: a URL from DATABASE_URL instead of the hard-coded placeholder credentials;
#   2. the API: the base URL from VANTAGE_API_URL (default the real one), to reach the emulator;
#   3. the backfill: with two arguments FROM TO (YYYY-MM-DD), the unchanged per-day body runs once
#      for every day from FROM to TO, oldest first. Per day it still connects to the database,
#      runs the same query, and sends one PUT with that day's single value, as the demo does.
# Without arguments it does what the demo does: today's row, once.
import requests
from datetime import date, timedelta  # CHANGED (3): timedelta for the day loop
import psycopg2
import os
import sys  # CHANGED (3): the optional FROM TO arguments


def fetch_orders(schema, table_name, current_date):
    try:
        # CHANGED (1): the benchmark's database instead of "<DB_NAME>", "<USER>", … placeholders
        conn = psycopg2.connect(os.environ["DATABASE_URL"])

        cur = conn.cursor()

        # Execute the query with the current date
        query = f"SELECT * FROM {schema}.{table_name} WHERE date = %s"
        cur.execute(query, (current_date,))
        records = cur.fetchall()

        cur.close()
        conn.close()

        return records
    except Exception as e:
        print(f"Error fetching records from table {table_name}: {e}")
        return []


def update_business_metric(metric_id, payload):
    try:
        # CHANGED (2): the base URL from VANTAGE_API_URL (default https://api.vantage.sh/v2)
        base_url = os.environ.get("VANTAGE_API_URL", "https://api.vantage.sh/v2")
        url = f"{base_url}/business_metrics/{metric_id}"
        headers = {
            "accept": "application/json",
            "content-type": "application/json",
            "authorization": f"Bearer {os.environ.get('VANTAGE_API_TOKEN')}"
        }
        response = requests.put(url, json=payload, headers=headers)
        response.raise_for_status()
        return response.text
    except Exception as e:
        return f"Error updating business metric {metric_id}: {e}"


# CHANGED (3): the demo's __main__ body, unchanged, as a function of the day it syncs
def sync_day(current_date):
    # Schema and table; adjust as needed
    schema = "public"
    table_name = "total_orders"

    # Fetch and update total orders
    orders = fetch_orders(schema, table_name, current_date)
    if orders:
        date_returned, total_orders_returned = orders[0]
        payload = {"values": [{"date": date_returned.isoformat(), "amount": total_orders_returned}]}
        metric_id = os.environ.get("ORDERS_METRIC_ID")
        if metric_id:
            response = update_business_metric(metric_id, payload)
            print("Vantage API response:", response)
        else:
            print("Business metric token not found.")
    else:
        print(f"No records found for {schema}.{table_name} for the current date.")


if __name__ == "__main__":
    if len(sys.argv) == 3:
        # CHANGED (3): the backfill loop, one day after the other
        day = date.fromisoformat(sys.argv[1])
        last = date.fromisoformat(sys.argv[2])
        while day <= last:
            sync_day(day.isoformat())
            day += timedelta(days=1)
    else:
        # Get the current date
        current_date = date.today().isoformat()
        sync_day(current_date)
