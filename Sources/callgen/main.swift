print("callgen: see issue")
