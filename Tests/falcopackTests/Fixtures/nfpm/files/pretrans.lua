-- pretrans
print("pretrans")
